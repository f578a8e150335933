import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatFor } from '/work/main/agent/formats/registry.js';
import { nodeWith } from '/work/main/test/agent/formats/helpers.js';
const csv = formatFor(nodeWith());
const N = 1_000_000;
function* recs() { for (let i = 0; i < N; i++) yield [String(i), 'some name here', i % 3 === 0 ? null : 'a,b', '2026-11-23 10:00:00+00', '12345.678']; }
let t = Date.now(); let out = 0;
await pipeline(Readable.from(recs(), { objectMode: true }), csv.writer(), new Writable({ write(c, _e, cb) { out += c.length; cb(); } }));
const s = (Date.now() - t) / 1000;
console.log('write', (N / s).toFixed(0), 'rec/s', (out / 1048576 / s).toFixed(0), 'MiB/s');
