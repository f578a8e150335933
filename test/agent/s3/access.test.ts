import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getS3 } from '../../../agent/s3/access.js';
import type { S3Access } from '../../../agent/s3/access.js';
import { S3Failure } from '../../../agent/s3/errors.js';
import { s3Endpoint } from '../../../agent/s3/client.js';
import { serverSideCopy } from '../../../agent/s3/server-copy.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';

/** Polls (no timers) until `ok`; the abort's clean-up request may land just after the rejection. */
async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail('condition not met');
    await new Promise((r) => setImmediate(r));
  }
}

async function failure(p: Promise<unknown>): Promise<S3Failure> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof S3Failure, `expected S3Failure, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('S3 access (agent/s3) against s3rver', () => {
  let s3: TestS3;
  let access: S3Access;
  let dir: string;

  before(async () => {
    s3 = await startTestS3();
    access = await getS3(s3.resources());
    await s3.createBucket('bkt');
  });
  after(async () => {
    await s3.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-s3-access-'));
    s3.requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('chooses the endpoint and path style from the environment', () => {
    assert.deepEqual(s3Endpoint({}), { forcePathStyle: false });
    assert.deepEqual(s3Endpoint({ AWS_ENDPOINT_URL: 'http://localhost:9000' }), { endpoint: 'http://localhost:9000', forcePathStyle: true });
    assert.deepEqual(s3Endpoint({ AWS_ENDPOINT_URL_S3: 'https://10.0.0.1', AWS_ENDPOINT_URL: 'http://x' }), { endpoint: 'https://10.0.0.1', forcePathStyle: true });
    assert.deepEqual(s3Endpoint({ AWS_ENDPOINT_URL_S3: 'https://minio.example.com' }), { endpoint: 'https://minio.example.com', forcePathStyle: false });
    assert.deepEqual(s3Endpoint({ AWS_ENDPOINT_URL_S3: 'https://minio.example.com', AWS_S3_FORCE_PATH_STYLE: 'true' }), { endpoint: 'https://minio.example.com', forcePathStyle: true });
  });

  it('uploads a file and a stream, lists, heads, downloads and checks existence', async () => {
    const src = join(dir, 'a.txt');
    writeFileSync(src, 'hello');
    await access.upload('bkt', 'rt/a.txt', src, { sse: 'AES256' });
    await access.upload('bkt', 'rt/sub/b.txt', Readable.from([Buffer.from('wor'), Buffer.from('ld')]), { sse: 'none' });
    const listed = [];
    for await (const o of access.list('bkt', 'rt/')) listed.push([o.key, o.size]);
    assert.deepEqual(listed, [['rt/a.txt', 5], ['rt/sub/b.txt', 5]]);
    assert.equal((await access.head('bkt', 'rt/a.txt')).size, 5);
    const dest = join(dir, 'down', 'b.txt');
    assert.equal(await access.download('bkt', 'rt/sub/b.txt', dest), 5);
    assert.equal(readFileSync(dest, 'utf8'), 'world');
    assert.deepEqual(readdirSync(join(dir, 'down')), ['b.txt']);
    assert.equal(await access.exists('bkt', 'rt/a.txt'), true);
    assert.equal(await access.exists('bkt', 'rt/nope'), false);
    assert.equal(await access.prefixNotEmpty('bkt', 'rt/sub/'), true);
    assert.equal(await access.prefixNotEmpty('bkt', 'rt/none/'), false);
    const chunks: Buffer[] = [];
    for await (const c of await access.openRead('bkt', 'rt/a.txt')) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'hello');
  });

  it('sends the SSE header asked for, and none with NONE', async () => {
    await access.upload('bkt', 'sse/aes', Readable.from([Buffer.from('x')]), { sse: 'AES256' });
    await access.upload('bkt', 'sse/none', Readable.from([Buffer.from('x')]), { sse: 'none' });
    await access.upload('bkt', 'sse/kms', Readable.from([Buffer.from('x')]), { sse: 'aws:kms', kmsKeyId: 'alias/test' });
    const put = (k: string) => s3.requests.find((r) => r.method === 'PUT' && r.url.startsWith(`/bkt/sse/${k}`));
    assert.equal(put('aes')?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(put('none')?.headers['x-amz-server-side-encryption'], undefined);
    assert.equal(put('kms')?.headers['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(put('kms')?.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'alias/test');
  });

  it('maps missing buckets and keys to stable errorIds naming bucket and key', async () => {
    let f = await failure(access.head('nobucket', 'k'));
    assert.equal(f.errorId, 'S3NoSuchBucket');
    assert.match(f.message, /nobucket/);
    f = await failure(access.exists('nobucket', 'k'));
    assert.equal(f.errorId, 'S3NoSuchBucket');
    f = await failure(access.prefixNotEmpty('nobucket', 'p/'));
    assert.equal(f.errorId, 'S3NoSuchBucket');
    f = await failure(access.download('bkt', 'missing/key', join(dir, 'x')));
    assert.equal(f.errorId, 'S3NoSuchKey');
    assert.match(f.message, /s3:\/\/bkt\/missing\/key/);
    assert.deepEqual(readdirSync(dir), []);
    f = await failure(access.upload('nobucket', 'k', Readable.from([Buffer.from('x')]), { sse: 'none' }));
    assert.equal(f.errorId, 'S3NoSuchBucket');
    assert.equal(f.withContext('MyNode', 'filePath').message.startsWith('MyNode.filePath: '), true);
  });

  it('leaves no partial file when the server goes away mid-download', async () => {
    await s3.putObject('bkt', 'big/cut.bin', Buffer.alloc(2 * 1024 * 1024, 7));
    s3.cutNextDownloadAfter(300 * 1024);
    const f = await failure(access.download('bkt', 'big/cut.bin', join(dir, 'cut.bin')));
    assert.equal(f.errorId, 'S3Error');
    assert.match(f.message, /s3:\/\/bkt\/big\/cut\.bin/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('copies server-side, with the SSE header', async () => {
    await s3.putObject('bkt', 'cp/src', 'copy me');
    await access.copy('bkt', 'cp/src', 'bkt', 'cp/dst', { sse: 'AES256' });
    assert.equal((await s3.getObject('bkt', 'cp/dst')).toString(), 'copy me');
    const put = s3.requests.find((r) => r.method === 'PUT' && r.url.startsWith('/bkt/cp/dst'));
    assert.equal(put?.headers['x-amz-copy-source'], 'bkt/cp/src');
    assert.equal(put?.headers['x-amz-server-side-encryption'], 'AES256');
  });

  it('copies with UploadPartCopy parts above the threshold, and aborts the multipart upload when a part fails', async () => {
    // s3rver answers UploadPartCopy with NotImplemented: this checks the requests and the clean-up path.
    await s3.putObject('bkt', 'cp/big-src', Buffer.alloc(6 * 1024 * 1024, 3));
    const sdk = await import('@aws-sdk/client-s3');
    const opts = { srcBucket: 'bkt', srcKey: 'cp/big-src', dstBucket: 'bkt', dstKey: 'cp/big-dst', sse: 'AES256' as const, multipartAbove: 1024, partSize: 5 * 1024 * 1024 };
    const f = await failure(serverSideCopy(access.client, sdk, opts, access.head));
    assert.equal(f.errorId, 'S3Error');
    assert.match(f.message, /^Multipart copy from s3:\/\/bkt\/cp\/big-src to s3:\/\/bkt\/cp\/big-dst failed: HTTP 501 NotImplemented/);
    const create = s3.requests.find((r) => r.method === 'POST' && /[?&]uploads/.test(r.url));
    assert.equal(create?.headers['x-amz-server-side-encryption'], 'AES256');
    const ranges = s3.requests.filter((r) => r.method === 'PUT' && /[?&]partNumber=/.test(r.url)).map((r) => r.headers['x-amz-copy-source-range']);
    assert.ok(ranges.includes('bytes=0-5242879'), JSON.stringify(ranges));
    assert.ok(s3.requests.some((r) => r.method === 'DELETE' && /[?&]uploadId=/.test(r.url)), 'AbortMultipartUpload');
    assert.equal(await access.exists('bkt', 'cp/big-dst'), false);
  });

  it('an aborted multipart upload is aborted on the server: no truncated object', async () => {
    const ac = new AbortController();
    async function* body() {
      for (let i = 0; i < 4; i++) yield Buffer.alloc(8 * 1024 * 1024, i);
      await new Promise((r) => setImmediate(r));
      ac.abort(new Error('test abort'));
      for (let i = 0; i < 4; i++) yield Buffer.alloc(8 * 1024 * 1024, i);
    }
    await assert.rejects(access.upload('bkt', 'big/aborted.bin', Readable.from(body()), { sse: 'none', signal: ac.signal }));
    await until(() => s3.requests.some((r) => r.method === 'DELETE' && r.url.startsWith('/bkt/big/aborted.bin?uploadId=')));
    assert.equal(await access.exists('bkt', 'big/aborted.bin'), false);
  });

  it('uploads 50 MB as a multipart upload in parallel parts', async function () {
    this.timeout(120_000);
    const src = join(dir, 'big.bin');
    const data = Buffer.alloc(50 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
    writeFileSync(src, data);
    const seen: number[] = [];
    await access.upload('bkt', 'big/50mb.bin', src, { sse: 'AES256', onProgress: (b) => seen.push(b) });
    const parts = s3.requests.filter((r) => r.method === 'PUT' && /[?&]partNumber=\d+/.test(r.url));
    assert.equal(parts.length, 7); // 8 MiB parts
    assert.ok(s3.requests.some((r) => r.method === 'POST' && /[?&]uploads/.test(r.url)), 'CreateMultipartUpload');
    assert.ok(s3.requests.some((r) => r.method === 'POST' && /[?&]uploadId=/.test(r.url)), 'CompleteMultipartUpload');
    assert.equal(s3.requests.find((r) => r.method === 'POST' && /[?&]uploads/.test(r.url))?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(seen.at(-1), data.length);
    assert.ok((await s3.getObject('bkt', 'big/50mb.bin')).equals(data));
  });
});
