import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdk from '@aws-sdk/client-s3';
import { downloadObject } from '../../../agent/s3/transfer.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';

const SMALL = { threshold: 64 * 1024, rangeSize: 48 * 1024, concurrency: 3 };

describe('agent/s3 ranged download', () => {
  let s3: TestS3;
  let client: sdk.S3Client;
  let dir: string;
  const src = randomBytes(300 * 1024 + 7); // 7 ranges, the last one short
  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('rng');
    await s3.putObject('rng', 'big.bin', src);
    client = new sdk.S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: s3.credentials, maxAttempts: 1 });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-ranged-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  after(async () => {
    client.destroy();
    await s3.close();
  });

  it('fetches a large object in parallel ranges pinned to its ETag, byte-identical, with progress', async () => {
    const before = s3.requests.length;
    let last = 0;
    const dest = join(dir, 'out.bin');
    const n = await downloadObject(client, sdk, { bucket: 'rng', key: 'big.bin', destPath: dest, ranged: SMALL, onProgress: (b) => (last = b) });
    assert.equal(n, src.length);
    assert.ok(readFileSync(dest).equals(src));
    assert.equal(last, src.length);
    const gets = s3.requests.slice(before).filter((r) => r.method === 'GET');
    const ranged = gets.filter((r) => typeof r.headers.range === 'string');
    assert.equal(ranged.length, 6);
    for (const r of ranged) assert.ok(r.headers['if-match'], 'each range carries If-Match');
    assert.deepEqual(readdirSync(dir), ['out.bin']);
  });

  it('small objects keep a single GET', async () => {
    await s3.putObject('rng', 'small.bin', src.subarray(0, 1000));
    const before = s3.requests.length;
    await downloadObject(client, sdk, { bucket: 'rng', key: 'small.bin', destPath: join(dir, 's.bin'), ranged: SMALL });
    assert.equal(s3.requests.slice(before).filter((r) => r.method === 'GET').length, 1);
    assert.ok(readFileSync(join(dir, 's.bin')).equals(src.subarray(0, 1000)));
  });

  it('a connection cut mid-download fails and leaves no partial file', async () => {
    s3.cutNextDownloadAfter(10 * 1024);
    await assert.rejects(downloadObject(client, sdk, { bucket: 'rng', key: 'big.bin', destPath: join(dir, 'cut.bin'), ranged: SMALL }));
    assert.deepEqual(readdirSync(dir), []);
  });

  it('an abort cancels every range and leaves no partial file', async () => {
    const ac = new AbortController();
    const p = downloadObject(client, sdk, {
      bucket: 'rng',
      key: 'big.bin',
      destPath: join(dir, 'ab.bin'),
      ranged: SMALL,
      signal: ac.signal,
      onProgress: (b) => {
        if (b > 60 * 1024) ac.abort(new Error('stop'));
      },
    });
    await assert.rejects(p);
    assert.deepEqual(readdirSync(dir), []);
  });
});
