/**
 * The export figures (sql-pg-export, sql-mariadb-export): a ROWS-row table (int, text, numeric, timestamp,
 * boolean) in a fresh database, copied to CSV in S3 by the agent (a CopyActivity from a SqlDataNode to an
 * S3DataNode, in a child process) and by the database's own client piped into `aws s3 cp -`, against the same
 * s3rver, in the same run. Each way runs twice, alternating; the faster run of each counts. Row counts are checked.
 */
import type { FigureResult } from './report.js';
import { log, mib, table } from './report.js';
import { AWS, BUCKET, ROWS, agentCopy, ensureBuilt, fmtRate, mariadbDb, mb, postgresDb, startS3, timeShell } from './sql-bench.js';
import type { AgentCopy, BenchDb } from './sql-bench.js';

export const TARGET_RATIO = 0.8;
export const TARGET_RSS_MB = 150;
const RUNS = Number(process.env.BENCH_SQL_RUNS ?? 2);

export interface Engine {
  label: string;
  cliLabel: string;
  /** The table's shape, for the figure's text. */
  shape: string;
  /** What the client writes. */
  cliText: string;
  open(): Promise<BenchDb>;
  /** Statements creating and filling table `t`. */
  fill: string[];
  /** The shell command writing the table to stdout. */
  cli(db: BenchDb): string;
  /** How the agent reads and writes the rows, for the figure's text. */
  agentPath: string;
}

export const POSTGRES: Engine = {
  label: 'PostgreSQL',
  shape: 't (id int, name text, amount numeric(14,2), at timestamp, flag boolean)',
  cliText: 'CSV',
  cliLabel: '`psql -c "\\copy (select ...) to stdout with csv"`',
  open: postgresDb,
  fill: [
    'create table t (id int, name text, amount numeric(14,2), at timestamp, flag boolean)',
    `insert into t select g, 'name-' || g, g * 1.25, timestamp '2026-01-01' + g * interval '1 second', g % 2 = 0 from generate_series(1, ${ROWS}) g`,
    'vacuum analyze t',
  ],
  cli: (db) => `psql -h 127.0.0.1 -U postgres -d ${db.name} -X -q -c "\\copy (select * from t) to stdout with csv"`,
  agentPath: 'every column\'s text is already the CSV\'s, so the server writes it: `COPY (select * from t) TO STDOUT` (text format, `,` delimiter), a few escapes fixed, multipart upload',
};

export const MARIADB: Engine = {
  label: 'MariaDB',
  shape: 't (id int, name varchar(40), amount decimal(14,2), at datetime, flag boolean)',
  cliText: 'tab-separated text',
  cliLabel: '`mariadb --batch --quick -N -e "select ..."`',
  open: mariadbDb,
  fill: [
    'create table t (id int, name varchar(40), amount decimal(14,2), at datetime, flag boolean)',
    `set session max_recursive_iterations = ${ROWS + 1}`,
    `insert into t with recursive s(g) as (select 1 union all select g + 1 from s where g < ${ROWS}) ` +
      `select g, concat('name-', g), g * 1.25, '2026-01-01' + interval g second, g % 2 = 0 from s`,
  ],
  cli: (db) => `mariadb -h 127.0.0.1 -u root --batch --quick -N ${db.name} -e "select * from t"`,
  agentPath:
    'every column\'s text is already the CSV\'s, so the server writes each line: `select * from t` wrapped as ' +
    '`with datapipe_rows(...) as (select * from t) select concat_ws(x\'2c\', ...) from datapipe_rows`, one binary value per row, LFs added, multipart upload',
};

interface Way {
  label: string;
  ms: number;
  bytes: number;
  rss?: number;
  processMs?: number;
}

export async function exportFigure(name: string, e: Engine): Promise<FigureResult> {
  // Before anything is timed: building competes for the same 2 cores.
  await ensureBuilt();
  const s3 = await startS3();
  let db: BenchDb | undefined;
  try {
    db = await e.open();
    log(`${e.label}: filling ${db.name}.t with ${ROWS} rows`);
    for (const sql of e.fill) await db.query(sql);
    const [[count]] = await db.query('select count(*) from t');
    if (Number(count) !== ROWS) throw new Error(`t holds ${count} rows, not ${ROWS}`);
    const objects = {
      Db: db.object,
      In: { type: 'SqlDataNode', database: { ref: 'Db' }, table: 't', selectQuery: 'select * from t' },
      Out: { type: 'S3DataNode', filePath: `s3://${BUCKET}/agent.csv` },
    };
    const cli = `${e.cli(db)} | ${AWS} s3 cp - s3://${BUCKET}/cli.csv --endpoint-url ${s3.endpoint} --only-show-errors`;
    const agentRuns: AgentCopy[] = [];
    const cliRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c = await timeShell(cli, s3.awsEnv);
      cliRuns.push(c);
      log(`${e.label} run ${i + 1}: client | aws s3 cp - : ${(c / 1000).toFixed(2)} s`);
      const a = await agentCopy(s3.endpoint, objects);
      agentRuns.push(a);
      log(`${e.label} run ${i + 1}: agent: ${(a.copyMs / 1000).toFixed(2)} s (CPU ${(a.cpuMs / 1000).toFixed(2)} s, process ${(a.processMs / 1000).toFixed(2)} s), peak RSS ${mib(a.peakRssKb)} (${mib(a.startRssKb)} before the copy)`);
    }
    const agentObj = await s3.inspect('agent.csv');
    const cliObj = await s3.inspect('cli.csv');
    for (const [what, o] of [['agent.csv', agentObj], ['cli.csv', cliObj]] as const) {
      if (o.lines !== ROWS) throw new Error(`${what} holds ${o.lines} lines, not ${ROWS}`);
    }
    const best = agentRuns.reduce((a, b) => (b.copyMs < a.copyMs ? b : a));
    const peakRss = Math.max(...agentRuns.map((r) => r.peakRssKb));
    const agent: Way = { label: 'agent (CopyActivity, SqlDataNode -> S3DataNode CSV)', ms: best.copyMs, bytes: agentObj.bytes, rss: peakRss, processMs: best.processMs };
    const base: Way = { label: `${e.cliLabel} \\| \`aws s3 cp -\``, ms: Math.min(...cliRuns), bytes: cliObj.bytes };
    return report(name, e, agent, base, agentRuns, cliRuns);
  } finally {
    await db?.drop();
    await s3.stop();
  }
}

function report(name: string, e: Engine, agent: Way, base: Way, agentRuns: AgentCopy[], cliRuns: number[]): FigureResult {
  const ratio = base.ms / agent.ms;
  const rssMb = ((agent.rss ?? 0) * 1024) / 1_000_000;
  const row = (w: Way, rel: string, rss: string) => [w.label, `${(w.ms / 1000).toFixed(2)} s`, fmtRate(ROWS / (w.ms / 1000)), (mb(w.bytes) / (w.ms / 1000)).toFixed(1), `${mb(w.bytes).toFixed(1)} MB`, rel, rss];
  const body = [
    `${ROWS.toLocaleString('en-US')} rows of \`${e.shape}\` ` +
      `in a fresh ${e.label} database on 127.0.0.1, written to one object in s3rver (its own process, ` +
      `127.0.0.1), once by the agent (CSV) and once by ${e.cliLabel} (${e.cliText}) piped into \`/usr/bin/aws s3 cp - s3://...\` (awscli ` +
      `v2, 8 MiB multipart parts), ${RUNS} times each, alternating; the faster of each is shown. The agent's figure ` +
      `is its CopyActivity's execute() in a child process running the compiled agent of dist/ with plain \`node\` ` +
      `(${e.agentPath}); the client's is the whole pipeline from spawn to exit (the clients' ` +
      `start-up included). Both objects were checked to hold ${ROWS.toLocaleString('en-US')} lines. ` +
      `MB/s is the object's size over the time.`,
    '',
    table(
      ['', 'time', 'rows/s', 'MB/s', 'object', 'relative', 'peak RSS'],
      [row(base, '100 %', '-'), row(agent, `${(ratio * 100).toFixed(0)} %`, mib(agent.rss ?? NaN))],
    ),
    '',
    `All runs: agent ${agentRuns.map((r) => `${(r.copyMs / 1000).toFixed(2)} s`).join(', ')} (CPU time during the copy ` +
      `${agentRuns.map((r) => `${(r.cpuMs / 1000).toFixed(2)} s`).join(', ')}; child process spawn to ` +
      `exit ${agentRuns.map((r) => `${(r.processMs / 1000).toFixed(2)} s`).join(', ')}); client pipeline ` +
      `${cliRuns.map((c) => `${(c / 1000).toFixed(2)} s`).join(', ')}. Peak RSS: the child's VmRSS sampled every 50 ms.`,
    '',
    `Targets: at least ${TARGET_RATIO * 100} % of the client pipeline's speed: ${ratio >= TARGET_RATIO ? 'met' : 'missed'}; ` +
      `RSS at most ${TARGET_RSS_MB} MB: ${rssMb <= TARGET_RSS_MB ? 'met' : 'missed'}.`,
  ].join('\n');
  return {
    name,
    title: `Export of ${ROWS.toLocaleString('en-US')} rows from ${e.label} to CSV in S3`,
    body,
    targets: [
      { what: `${e.label} export at least ${TARGET_RATIO}x the client pipeline (got ${ratio.toFixed(2)}x)`, met: ratio >= TARGET_RATIO },
      { what: `${e.label} export peak RSS at most ${TARGET_RSS_MB} MB (got ${rssMb.toFixed(0)} MB)`, met: rssMb <= TARGET_RSS_MB },
    ],
  };
}
