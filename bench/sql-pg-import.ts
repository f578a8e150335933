/**
 * Figure: import of a 1,000,000-row CSV object from S3 into a PostgreSQL table, the agent (a CopyActivity from an
 * S3DataNode to a SqlDataNode, insertQuery with one ? per column, which the agent turns into COPY ... FROM STDIN
 * with the CSV's bytes passed through) next to `aws s3 cp s3://... - | psql -c "\copy t from stdin with csv"`.
 * The object is the table of the export figure, written by psql into s3rver first.
 */
import { POSTGRES, TARGET_RATIO } from './lib/sql-export.js';
import { log, mib, runFigure, table } from './lib/report.js';
import { AWS, BUCKET, ROWS, agentCopy, ensureBuilt, fmtRate, mb, startS3, timeShell } from './lib/sql-bench.js';
import type { AgentCopy, BenchDb } from './lib/sql-bench.js';

const RUNS = Number(process.env.BENCH_SQL_RUNS ?? 2);
const COLUMNS = 'id, name, amount, at, flag';
const TABLE = '(id int, name text, amount numeric(14,2), at timestamp, flag boolean)';

void runFigure(async () => {
  // The agent's child runs dist/: built (when stale) before anything is timed.
  await ensureBuilt();
  const s3 = await startS3();
  let db: BenchDb | undefined;
  try {
    db = await POSTGRES.open();
    log(`PostgreSQL: filling ${db.name}.t with ${ROWS} rows and writing it to s3://${BUCKET}/rows.csv`);
    for (const sql of POSTGRES.fill) await db.query(sql);
    await timeShell(`${POSTGRES.cli(db)} | ${AWS} s3 cp - s3://${BUCKET}/rows.csv --endpoint-url ${s3.endpoint} --only-show-errors`, s3.awsEnv);
    const { bytes, lines } = await s3.inspect('rows.csv');
    if (lines !== ROWS) throw new Error(`rows.csv holds ${lines} lines, not ${ROWS}`);
    await db.query(`create table t_cli ${TABLE}`);
    await db.query(`create table t_agent ${TABLE}`);
    const objects = {
      Db: db.object,
      In: { type: 'S3DataNode', filePath: `s3://${BUCKET}/rows.csv` },
      Out: { type: 'SqlDataNode', database: { ref: 'Db' }, table: 't_agent', insertQuery: `insert into t_agent (${COLUMNS}) values (?, ?, ?, ?, ?)` },
    };
    const cli = `${AWS} s3 cp s3://${BUCKET}/rows.csv - --endpoint-url ${s3.endpoint} | psql -h 127.0.0.1 -U postgres -d ${db.name} -X -q -c "\\copy t_cli from stdin with csv"`;
    const cliRuns: number[] = [];
    const agentRuns: AgentCopy[] = [];
    const count = async (t: string) => Number((await db!.query(`select count(*) from ${t}`))[0][0]);
    for (let i = 0; i < RUNS; i++) {
      await db.query('truncate t_cli');
      await db.query('truncate t_agent');
      const c = await timeShell(cli, s3.awsEnv);
      cliRuns.push(c);
      log(`run ${i + 1}: aws s3 cp - | psql \\copy from: ${(c / 1000).toFixed(2)} s`);
      const a = await agentCopy(s3.endpoint, objects);
      agentRuns.push(a);
      log(`run ${i + 1}: agent: ${(a.copyMs / 1000).toFixed(2)} s (process ${(a.processMs / 1000).toFixed(2)} s), peak RSS ${mib(a.peakRssKb)} (${mib(a.startRssKb)} before the copy)`);
      for (const t of ['t_cli', 't_agent']) {
        const n = await count(t);
        if (n !== ROWS) throw new Error(`${t} holds ${n} rows, not ${ROWS}`);
      }
    }
    const diff = await db.query('select count(*) from (select * from t_cli except all select * from t_agent) d');
    if (Number(diff[0][0]) !== 0) throw new Error(`t_agent differs from t_cli in ${diff[0][0]} rows`);

    const agentMs = Math.min(...agentRuns.map((r) => r.copyMs));
    const cliMs = Math.min(...cliRuns);
    const peakRss = Math.max(...agentRuns.map((r) => r.peakRssKb));
    const ratio = cliMs / agentMs;
    const row = (label: string, msec: number, rel: string, rss: string) => [label, `${(msec / 1000).toFixed(2)} s`, fmtRate(ROWS / (msec / 1000)), (mb(bytes) / (msec / 1000)).toFixed(1), rel, rss];
    const body = [
      `The ${mb(bytes).toFixed(1)} MB CSV object of the PostgreSQL export figure (${ROWS.toLocaleString('en-US')} rows, ` +
        `written by psql into s3rver) loaded into an empty table of the same shape, ${RUNS} times each way, ` +
        `alternating (tables truncated before each run); the faster of each is shown. The agent: a CopyActivity from ` +
        `an S3DataNode to a SqlDataNode with \`insertQuery: insert into t_agent (${COLUMNS}) values (?, ?, ?, ?, ?)\`, ` +
        `which the agent loads with \`COPY t_agent (${COLUMNS}) FROM STDIN\` (text format, \`,\` delimiter; the CSV's ` +
        `bytes passed through, a few escapes fixed), one transaction, in a child process (its execute() is timed). ` +
        `The client: \`aws s3 cp s3://... - | psql -c "\\copy t_cli from stdin with csv"\`, spawn to exit. Both tables were checked to hold ` +
        `${ROWS.toLocaleString('en-US')} rows, and the same rows (\`except all\`).`,
      '',
      table(
        ['', 'time', 'rows/s', 'MB/s', 'relative', 'peak RSS'],
        [
          row('`aws s3 cp - \\| psql \\copy ... from stdin with csv`', cliMs, '100 %', '-'),
          row('agent (CopyActivity, S3DataNode -> SqlDataNode)', agentMs, `${(ratio * 100).toFixed(0)} %`, mib(peakRss)),
        ],
      ),
      '',
      `All runs: agent ${agentRuns.map((r) => `${(r.copyMs / 1000).toFixed(2)} s`).join(', ')}; client pipeline ` +
        `${cliRuns.map((c) => `${(c / 1000).toFixed(2)} s`).join(', ')}.`,
      '',
      `Target (the export's, applied here as a yardstick): at least ${TARGET_RATIO * 100} % of \`\\copy from\`: ${ratio >= TARGET_RATIO ? 'met' : 'missed'}.`,
    ].join('\n');
    return {
      name: 'sql-pg-import',
      title: `Import of ${ROWS.toLocaleString('en-US')} rows from CSV in S3 into PostgreSQL`,
      body,
      targets: [{ what: `PostgreSQL import at least ${TARGET_RATIO}x \`\\copy from\` (got ${ratio.toFixed(2)}x)`, met: ratio >= TARGET_RATIO }],
    };
  } finally {
    await db?.drop();
    await s3.stop();
  }
});
