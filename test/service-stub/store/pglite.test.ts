/**
 * The embedded store sends statements as wire-protocol batches with named prepared statements
 * (store/pglite-statements.ts) instead of PGlite.query: values, rows and errors must come out as PGlite.query gives
 * them, and its own lock must keep statements from outside out of an open transaction.
 */
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { openPglite } from '../../../service-stub/store/pglite.js';
import type { PgliteDb } from '../../../service-stub/store/pglite.js';

const SCHEMA = `CREATE TABLE t (id text PRIMARY KEY, n integer, at timestamptz, j jsonb, tags text[], flag boolean)`;

describe('embedded store statements (PGlite)', () => {
  let db: PgliteDb;
  let ref: PGlite;
  before(async () => {
    db = await openPglite({ memory: true });
    ref = await PGlite.create('memory://');
    await db.query(SCHEMA);
    await ref.query(SCHEMA);
  });
  after(async () => {
    await db?.close();
    await ref?.close();
  });

  /** The same statement on both; the rows must be equal. */
  async function same(sql: string, params: unknown[]): Promise<unknown[]> {
    const mine = await db.query(sql, params);
    const theirs = (await ref.query(sql, params)).rows;
    assert.deepEqual(mine, theirs, sql);
    return mine;
  }

  it('serializes parameters and parses rows as PGlite.query does, on first and repeated use', async () => {
    const at = new Date('2026-12-07T10:00:00.123Z');
    for (const [i, j] of [JSON.stringify({ a: 1, b: [2] }), { c: 'x' }, null].entries()) {
      await same('INSERT INTO t (id, n, at, j, tags, flag) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *', [`k${i}`, i, at, j, ['a', 'b c'], i % 2 === 0]);
    }
    const rows = await same('SELECT * FROM t WHERE id = ANY($1) ORDER BY id', [['k0', 'k1', 'k2']]);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], { id: 'k0', n: 0, at, j: { a: 1, b: [2] }, tags: ['a', 'b c'], flag: true });
    await same(`SELECT n + $1::int AS m, $2::text AS s, j || $3::jsonb AS merged FROM t WHERE id = 'k1'`, [5, 'x', '{"d":1}']);
    await same('SELECT count(*)::int AS c FROM t', []);
  });

  it('reports errors with their SQLSTATE, and the statement works again afterwards', async () => {
    const insert = 'INSERT INTO t (id, n) VALUES ($1, $2)';
    await db.query(insert, ['dup', 1]);
    await assert.rejects(db.query(insert, ['dup', 2]), (err: { code?: string }) => err.code === '23505');
    await assert.rejects(db.query('SELEC nothing FROM t WHERE id = $1', ['x']), (err: { code?: string }) => err.code === '42601');
    await db.query(insert, ['dup2', 3]);
    assert.deepEqual(await db.query('SELECT n FROM t WHERE id = $1', ['dup2']), [{ n: 3 }]);
  });

  it('a transaction commits, rolls back on a throw, and refuses to commit after a failed statement', async () => {
    await db.tx((q) => q.query('INSERT INTO t (id) VALUES ($1)', ['tx1']));
    await assert.rejects(
      db.tx(async (q) => {
        await q.query('INSERT INTO t (id) VALUES ($1)', ['tx2']);
        throw new Error('boom');
      }),
      /boom/,
    );
    await assert.rejects(
      db.tx(async (q) => {
        await q.query('INSERT INTO t (id) VALUES ($1)', ['tx3']);
        await q.query('INSERT INTO t (id) VALUES ($1)', ['tx1']).catch(() => {}); // swallowed
      }),
      (err: { code?: string }) => err.code === '25P02',
    );
    const ids = (await db.query<{ id: string }>(`SELECT id FROM t WHERE id LIKE 'tx%' ORDER BY id`)).map((r) => r.id);
    assert.deepEqual(ids, ['tx1']);
  });

  it('a statement from outside waits for an open transaction instead of running inside it', async () => {
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.tx(async (q) => {
      await q.query('INSERT INTO t (id) VALUES ($1)', ['held']);
      inside();
      await gate;
      throw new Error('rolled back');
    });
    await started;
    const outside = db.query<{ c: number }>(`SELECT count(*)::int AS c FROM t WHERE id = $1`, ['held']);
    release();
    await assert.rejects(tx, /rolled back/);
    // Run inside the transaction it would have seen the uncommitted row.
    assert.deepEqual(await outside, [{ c: 0 }]);
  });

  it('more distinct texts than are kept prepared, and texts too long to keep, still run', async () => {
    for (let i = 0; i < 450; i++) assert.deepEqual(await db.query(`SELECT $1::int + ${i} AS v`, [1]), [{ v: i + 1 }]);
    const long = `SELECT $1::int AS v ${'/* padding */ '.repeat(400)}`;
    assert.ok(long.length > 4000);
    assert.deepEqual(await db.query(long, [7]), [{ v: 7 }]);
    assert.deepEqual(await db.query(long, [8]), [{ v: 8 }]);
  });
});
