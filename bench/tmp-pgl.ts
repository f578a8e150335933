import { openStore } from '/work/main/service-stub/store/open.js';
const db = await openStore({ inMemory: true });
const sel = `SELECT pipeline_id, object_id FROM objects WHERE sphere = 'ATTEMPT' AND status = 'WAITING_FOR_RUNNER' AND worker_group = $1 AND available_at <= $2 ORDER BY available_at, object_id LIMIT 1`;
const tests: [string, string, unknown[]][] = [
  ['select', sel, ['wg', new Date()]],
  ['select for update skip locked', sel + ' FOR UPDATE SKIP LOCKED', ['wg', new Date()]],
  ['select by pk', 'SELECT * FROM objects WHERE pipeline_id = $1 AND object_id = $2', ['a', 'b']],
  ['select 1 param', 'SELECT $1::int', [1]],
  ['select 1 text param', 'SELECT $1::text', ['x']],
  ['select date param', 'SELECT $1::timestamptz', [new Date()]],
  ['select 1 no param', 'SELECT 1', []],
];
for (const [name, sql, p] of tests) {
  for (let i = 0; i < 20; i++) await db.query(sql, p);
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) await db.query(sql, p);
  console.log(name, ((performance.now() - t0) / 200).toFixed(3));
}
await db.close();
