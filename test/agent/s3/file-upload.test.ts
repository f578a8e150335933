import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdk from '@aws-sdk/client-s3';
import { partSizeFor, uploadFile } from '../../../agent/s3/file-upload.js';
import type { FileUploadJob } from '../../../agent/s3/file-upload.js';
import { PartBufferPool } from '../../../agent/s3/part-buffers.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { until } from '../../support/wait.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('agent/s3 file upload (parts read from the file, reused buffers)', () => {
  let s3: TestS3;
  let client: sdk.S3Client;
  let dir: string;
  /** UploadPart numbers that fail (before anything is sent) while listed. */
  const failParts = new Set<number>();
  const src = randomBytes(MiB + 5 * KiB); // 17 parts of 64 KiB, the last one short

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('upl');
    client = new sdk.S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: s3.credentials, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const part = (args.input as { PartNumber?: number }).PartNumber;
        if (context.commandName === 'UploadPartCommand' && part !== undefined && failParts.has(part)) throw new Error(`injected failure of part ${part}`);
        return next(args);
      },
      { step: 'initialize', name: 'failSomeParts' },
    );
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-file-upload-'));
    s3.requests.length = 0;
    failParts.clear();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  after(async () => {
    client?.destroy();
    await s3?.close();
  });

  const job = (key: string, path: string, more: Partial<FileUploadJob> = {}): FileUploadJob => ({
    bucket: 'upl',
    key,
    path,
    params: { ServerSideEncryption: 'AES256', ContentType: 'application/octet-stream' },
    partSize: 64 * KiB,
    queueSize: 3,
    ...more,
  });
  const file = (name: string, data: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const count = (re: RegExp, method: string) => s3.requests.filter((r) => r.method === method && re.test(r.url)).length;

  it('uploads in parts read at their offsets, byte-identical, each worker reusing one pooled buffer', async () => {
    const pool = new PartBufferPool(64 * KiB, 3);
    const seen: number[] = [];
    await uploadFile(client, sdk, job('multi.bin', file('multi.bin', src), { pool, onProgress: (b, t) => (assert.equal(t, src.length), seen.push(b)) }));
    assert.ok((await s3.getObject('upl', 'multi.bin')).equals(src));
    assert.equal(count(/[?&]partNumber=\d+/, 'PUT'), 17);
    const create = s3.requests.find((r) => r.method === 'POST' && /[?&]uploads/.test(r.url));
    assert.equal(create?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(create?.headers['content-type'], 'application/octet-stream');
    assert.equal(seen.at(-1), src.length);
    assert.equal(pool.held, 3, 'the three workers gave their buffers back');
    // A second upload works with the same three buffers: none allocated, none kept beyond the pool's size.
    const drain = () => [pool.take(), pool.take(), pool.take()];
    const first = drain();
    for (const b of first) pool.give(b);
    await uploadFile(client, sdk, job('again.bin', file('again.bin', src), { pool }));
    assert.ok((await s3.getObject('upl', 'again.bin')).equals(src));
    assert.equal(pool.held, 3);
    const second = drain();
    assert.ok(second.every((b) => first.includes(b)), 'the same buffers');
  });

  it('a file of at most one part is a single PutObject (also an empty one)', async () => {
    await uploadFile(client, sdk, job('one.bin', file('one.bin', src.subarray(0, 64 * KiB))));
    await uploadFile(client, sdk, job('empty.bin', file('empty.bin', Buffer.alloc(0))));
    assert.equal(count(/[?&]uploads/, 'POST'), 0);
    assert.ok((await s3.getObject('upl', 'one.bin')).equals(src.subarray(0, 64 * KiB)));
    assert.equal((await s3.getObject('upl', 'empty.bin')).length, 0);
    assert.equal(s3.requests.find((r) => r.method === 'PUT' && r.url.startsWith('/upl/one.bin'))?.headers['x-amz-server-side-encryption'], 'AES256');
  });

  it('a failed part aborts the multipart upload once no part is in flight: no object, the failure reported', async () => {
    failParts.add(5);
    const pool = new PartBufferPool(64 * KiB, 3);
    await assert.rejects(uploadFile(client, sdk, job('fail.bin', file('fail.bin', src), { pool })), /injected failure of part 5/);
    assert.equal(count(/^\/upl\/fail\.bin\?uploadId=/, 'DELETE'), 1, 'AbortMultipartUpload');
    const abortAt = s3.requests.findIndex((r) => r.method === 'DELETE');
    assert.equal(s3.requests.slice(abortAt).filter((r) => r.method === 'PUT').length, 0, 'no part after the abort');
    assert.equal(count(/^\/upl\/fail\.bin\?uploadId=/, 'POST'), 0, 'no CompleteMultipartUpload');
    assert.deepEqual(await s3.listKeys('upl', 'fail.bin'), []);
    assert.ok(pool.held < 3, 'the failed worker did not give its buffer back');
  });

  it("the caller's abort stops the parts and aborts the multipart upload: an AbortError, no object", async () => {
    const ac = new AbortController();
    const p = uploadFile(client, sdk, job('ab.bin', file('ab.bin', src), { signal: ac.signal, onProgress: (b) => b >= 128 * KiB && ac.abort(new Error('stop')) }));
    await assert.rejects(p, (e: Error) => e.name === 'AbortError' && (e as Error & { code?: string }).code === 'UploadAborted');
    await until(() => count(/^\/upl\/ab\.bin\?uploadId=/, 'DELETE'), (n) => n === 1, { what: 'AbortMultipartUpload' });
    assert.ok(count(/[?&]partNumber=\d+/, 'PUT') < 17, 'stopped before the last part');
    assert.deepEqual(await s3.listKeys('upl', 'ab.bin'), []);
  });

  it('an already aborted signal sends nothing', async () => {
    const ac = new AbortController();
    ac.abort(new Error('before'));
    await assert.rejects(uploadFile(client, sdk, job('pre.bin', file('pre.bin', src.subarray(0, 1000)), { signal: ac.signal })), { name: 'AbortError' });
    assert.equal(s3.requests.length, 0);
  });

  it('part size: the base, or larger (whole MiB) when 10,000 parts would not hold the file', () => {
    assert.equal(partSizeFor(1024 * MiB, 8 * MiB), 8 * MiB);
    assert.equal(partSizeFor(80_000 * MiB, 8 * MiB), 8 * MiB);
    assert.equal(partSizeFor(80_001 * MiB, 8 * MiB), 9 * MiB);
    assert.equal(partSizeFor(5 * 1024 ** 4, 8 * MiB), 525 * MiB);
    assert.equal(partSizeFor(MiB + 5 * KiB, 64 * KiB), 64 * KiB);
  });
});
