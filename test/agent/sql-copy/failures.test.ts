/**
 * SQL copies that fail: a wrong password, an unreachable host, a connection dropped mid-copy, an abort. Each
 * fails with a stable errorId and a message naming the node, host, database and user (never the password), and
 * leaves no object in S3 (a multipart upload already started is aborted).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { failed, runCopy, s3Node } from '../copy/helpers.js';
import type { CopyRun, Objects } from '../copy/helpers.js';
import type { S3TestContext } from '../s3/context.js';
import { copyDatabases, myDb, noAgentConnections, pgDb, sqlNodeOf } from './helpers.js';
import type { CopyDbs } from './helpers.js';

/** A port on 127.0.0.1 nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

// ~20 MB of CSV: more than two 8 MiB parts, so the upload is multipart when the connection goes.
const BIG_QUERY = `select g, repeat('x', 60), g * 1.5 from generate_series(1, 300000) g`;

describe('CopyActivity SQL failures', () => {
  let s3: TestS3;
  let dbs: CopyDbs;
  let dir: string;
  let user: string;

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('out');
    dbs = await copyDatabases();
    user = `${dbs.name}_u`;
    await dbs.my(`create user '${user}'@'%' identified by 'right-pw-123'`);
    await dbs.my(`grant all on ${dbs.name}.* to '${user}'@'%'`);
    await dbs.my('create table t (a int)');
    await dbs.pg('create table t (a int)');
  });
  after(async () => {
    await dbs?.my(`drop user if exists '${user}'@'%'`).catch(() => {});
    await dbs?.drop();
    await s3?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-sqlcopy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const copy = (objects: Objects, onLine?: (line: string, ctx: S3TestContext) => void, intervalMs = 60_000): Promise<CopyRun> =>
    runCopy(dir, s3.resources(), objects, intervalMs, onLine);

  it('a wrong password: SqlAuthFailed naming node, host, database and user, never the password; no object', async () => {
    const msg = failed(
      await copy({ Db: myDb(dbs, { username: user, '*password': 'wrong-pw-456' }), In: sqlNodeOf('Db', { table: 't' }), Out: s3Node('file:s3://out/auth.csv') }),
      'SqlAuthFailed',
      new RegExp(`^In: Authentication failed for mysql 127\\.0\\.0\\.1:3306/${dbs.name} as user "${user}" \\(object Db\\): Access denied`),
    );
    assert.doesNotMatch(msg, /wrong-pw|right-pw/);
    assert.deepEqual(await s3.listKeys('out'), []);
  });

  it('an unreachable host (a closed port): SqlConnectFailed naming node, host, port, database and user; no object', async () => {
    const port = await closedPort();
    const url = `jdbc:postgresql://127.0.0.1:${port}/${dbs.name}`;
    const msg = failed(
      await copy({ Db: pgDb(dbs, { connectionString: url, '*password': 'secret-pw-789' }), In: sqlNodeOf('Db', { table: 't' }), Out: s3Node('file:s3://out/down.csv') }),
      'SqlConnectFailed',
      new RegExp(`^In: Cannot connect to postgres 127\\.0\\.0\\.1:${port}/${dbs.name} as user "postgres" \\(object Db\\): connection refused`),
    );
    assert.doesNotMatch(msg, /secret-pw/);
    assert.deepEqual(await s3.listKeys('out'), []);
  });

  it('a connection dropped mid-copy (pg_terminate_backend): SqlConnectionLost, the multipart upload aborted, no object', async () => {
    let killed = false;
    const r = await copy(
      { Db: pgDb(dbs), In: sqlNodeOf('Db', { table: 't', selectQuery: BIG_QUERY }), Out: s3Node('file:s3://out/dropped.csv') },
      (line) => {
        // Once more than a part (8 MiB) has gone to S3, the upload is multipart: kill the backend from another
        // connection.
        const mib = /^info: copy In -> Out: \d+ objects?, ([\d.]+) MiB, .* records/.exec(line);
        if (killed || !mib || Number(mib[1]) < 9) return;
        killed = true;
        void dbs.pg(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'datapipe-taskrunner'`, [dbs.name]);
      },
      20,
    );
    assert.ok(killed, 'no progress line came before the copy ended');
    failed(r, 'SqlConnectionLost', new RegExp(`^In: selectQuery "select g, .*" on postgres 127\\.0\\.0\\.1:5432/${dbs.name} as user "postgres" \\(object Db\\): the connection was lost`));
    assert.deepEqual(await s3.listKeys('out'), []);
    const started = s3.requests.find((q) => q.method === 'POST' && q.url.startsWith('/out/dropped.csv?uploads'));
    assert.ok(started, 'a multipart upload was started');
    assert.ok(s3.requests.some((q) => q.method === 'DELETE' && q.url.startsWith('/out/dropped.csv?') && /uploadId=/.test(q.url)), 'AbortMultipartUpload sent');
    await noAgentConnections(dbs);
  });

  it('S3 -> PostgreSQL with the connection dropped mid-load: SqlConnectionLost naming the record, nothing committed', async () => {
    await dbs.pg('create table loaded (a int, b text)');
    await s3.createBucket('src');
    await s3.putObject('src', 'many.csv', Array.from({ length: 50_000 }, (_, i) => `${i},row ${i}\n`).join(''));
    let killed = false;
    const r = await copy(
      { Db: pgDb(dbs), In: s3Node('file:s3://src/many.csv'), Out: sqlNodeOf('Db', { table: 'loaded', insertQuery: 'insert into loaded values (?, ?)' }) },
      (line) => {
        if (killed || !/^info: copy In -> Out: .* records/.test(line)) return;
        killed = true;
        void dbs.pg(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'datapipe-taskrunner'`, [dbs.name]);
      },
      20,
    );
    assert.ok(killed, 'no progress line came before the copy ended');
    failed(r, 'SqlConnectionLost', new RegExp(`^Out: insertQuery for record \\d+ of s3://src/many\\.csv on postgres 127\\.0\\.0\\.1:5432/${dbs.name} as user "postgres" \\(object Db\\): the connection was lost`));
    assert.deepEqual(await dbs.pg('select count(*)::int from loaded'), [[0]]);
    await noAgentConnections(dbs);
  });

  it('the same on MariaDB (KILL of the copy connection)', async () => {
    let killed = false;
    const r = await copy(
      {
        Db: myDb(dbs),
        In: sqlNodeOf('Db', { table: 't', selectQuery: 'select seq, repeat(\'x\', 60) from seq_1_to_300000' }),
        Out: s3Node('file:s3://out/mydrop.csv'),
      },
      (line) => {
        if (killed || !/^info: copy In -> Out: .* records/.test(line)) return;
        killed = true;
        void dbs.my(`select id from information_schema.processlist where db = ? and (info like 'select seq%' or info like 'with datapipe_rows%')`, [dbs.name]).then(async (rows) => {
          for (const [id] of rows) await dbs.my(`kill ${Number(id)}`);
        });
      },
      20,
    );
    assert.ok(killed, 'no progress line came before the copy ended');
    failed(r, 'SqlConnectionLost', new RegExp(`^In: selectQuery "select seq, .*" on mysql 127\\.0\\.0\\.1:3306/${dbs.name} as user "root" \\(object Db\\): the connection was lost`));
    assert.deepEqual(await s3.listKeys('out'), []);
  });

  it('abort (ctx.signal) stops the copy, closes the connection and leaves no object', async () => {
    let aborted = false;
    const r = await copy(
      { Db: pgDb(dbs), In: sqlNodeOf('Db', { table: 't', selectQuery: BIG_QUERY }), Out: s3Node('file:s3://out/aborted.csv') },
      (line, ctx) => {
        if (aborted || !/^info: copy In -> Out: .* records/.test(line)) return;
        aborted = true;
        ctx.controller.abort(new Error('test abort'));
      },
      20,
    );
    assert.ok(aborted);
    failed(r, 'Aborted', /: the copy was stopped/);
    assert.deepEqual(await s3.listKeys('out'), []);
    await noAgentConnections(dbs);
  });
});
