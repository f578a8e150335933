/**
 * A 1,000,000-row export from PostgreSQL to S3 in constant memory: RSS sampled during the copy (on every progress
 * line, every 100 ms) stays under 150 MB above its value at the start, and the object holds every row.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { finished, runCopy, s3Node } from '../copy/helpers.js';
import { copyDatabases, pgDb, sqlNodeOf } from './helpers.js';
import type { CopyDbs } from './helpers.js';

const ROWS = 1_000_000;
const LIMIT_MB = 150;

describe('CopyActivity SQL -> S3: 1M rows in constant memory', function () {
  this.timeout(120_000);
  let s3: TestS3;
  let dbs: CopyDbs;
  let dir: string;

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('big');
    dbs = await copyDatabases();
    dir = mkdtempSync(join(tmpdir(), 'dp-sqlcopy-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dbs?.drop();
    await s3?.close();
  });

  it(`exports ${ROWS} rows with RSS growth under ${LIMIT_MB} MB`, async () => {
    const query = `select g, 'name-' || g, (g * 1.25)::numeric(14,2), g % 2 = 0, timestamp '2026-01-01' + g * interval '1 second' from generate_series(1, ${ROWS}) g`;
    const start = process.memoryUsage().rss;
    let peak = start;
    let samples = 0;
    const r = await runCopy(
      dir,
      s3.resources(),
      { Db: pgDb(dbs), In: sqlNodeOf('Db', { table: 'g', selectQuery: query }), Out: s3Node('file:s3://big/rows.csv') },
      100,
      () => {
        samples++;
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    );
    finished(r);
    const growth = (peak - start) / 1024 / 1024;
    if (process.env.DATAPIPE_TEST_LOG) console.log(`RSS growth ${growth.toFixed(1)} MB over ${samples} samples`);
    assert.ok(samples >= 3, `only ${samples} progress samples`);
    assert.ok(growth < LIMIT_MB, `RSS grew by ${growth.toFixed(1)} MB during the copy (limit ${LIMIT_MB} MB)`);
    const body = (await s3.getObject('big', 'rows.csv')).toString('utf8');
    assert.ok(body.startsWith('1,name-1,1.25,f,2026-01-01 00:00:01\n2,name-2,2.50,t,2026-01-01 00:00:02\n'), body.slice(0, 100));
    assert.ok(body.endsWith(`${ROWS},name-${ROWS},1250000.00,t,2026-01-12 13:46:40\n`), body.slice(-100));
    let lines = 0;
    for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) lines++;
    assert.equal(lines, ROWS);
    assert.ok(r.ctx.lines.some((l) => new RegExp(`${ROWS} rows of In written`).test(l)));
    // Progress lines (every 100 ms here, 5 s by default): bytes, rows and both rates.
    assert.ok(r.ctx.lines.some((l) => /^info: copy In -> Out: 0 objects, [\d.]+ MiB, \d+ records, [\d.]+ MiB\/s, \d+ records\/s$/.test(l)), r.ctx.lines.join('\n'));
  });
});
