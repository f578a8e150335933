import assert from 'node:assert/strict';
import { getS3 } from '../../../agent/s3/access.js';
import type { S3Access } from '../../../agent/s3/access.js';
import { serverSideCopy } from '../../../agent/s3/server-copy.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';

// The path taken for objects over 5 GB (CopyObject's limit), exercised with a lowered threshold. s3rver has no
// UploadPartCopy, so the test proxy performs it (test/support/s3.ts emulateUploadPartCopy).
describe('S3 server-side multipart copy (agent/s3/server-copy)', () => {
  let s3: TestS3;
  let access: S3Access;

  before(async () => {
    s3 = await startTestS3();
    access = await getS3(s3.resources());
    await s3.createBucket('src');
    await s3.createBucket('dst');
    s3.emulateUploadPartCopy(true);
  });
  after(async () => {
    await s3.close();
  });

  it('copies in UploadPartCopy ranges, byte for byte, with SSE on the upload', async () => {
    const data = Buffer.alloc(12 * 1024 * 1024 + 123);
    for (let i = 0; i + 4 <= data.length; i += 4096) data.writeUInt32LE(i, i);
    await s3.putObject('src', 'big/in put.bin', data);
    s3.requests.length = 0;
    const progress: number[] = [];
    const sdk = await import('@aws-sdk/client-s3');
    await serverSideCopy(
      access.client,
      sdk,
      { srcBucket: 'src', srcKey: 'big/in put.bin', dstBucket: 'dst', dstKey: 'out/copy.bin', sse: 'AES256', multipartAbove: 1024, partSize: 5 * 1024 * 1024, onProgress: (b) => progress.push(b) },
      access.head,
    );
    assert.ok((await s3.getObject('dst', 'out/copy.bin')).equals(data));
    const parts = s3.requests.filter((r) => r.method === 'PUT' && /[?&]partNumber=/.test(r.url));
    assert.deepEqual(parts.map((r) => r.headers['x-amz-copy-source-range']).sort(), ['bytes=0-5242879', 'bytes=10485760-12583034', 'bytes=5242880-10485759']);
    assert.equal(parts[0]?.headers['x-amz-copy-source'], 'src/big/in%20put.bin');
    assert.equal(s3.requests.find((r) => r.method === 'POST' && /[?&]uploads/.test(r.url))?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.ok(s3.requests.some((r) => r.method === 'POST' && /[?&]uploadId=/.test(r.url)), 'CompleteMultipartUpload');
    assert.equal(progress.at(-1), data.length);
  });

  it('at or below the threshold it is one CopyObject', async () => {
    await s3.putObject('src', 'small.txt', 'small');
    s3.requests.length = 0;
    await access.copy('src', 'small.txt', 'dst', 'small-copy.txt', { sse: 'none' });
    assert.equal((await s3.getObject('dst', 'small-copy.txt')).toString(), 'small');
    assert.equal(s3.requests.filter((r) => r.method === 'PUT').length, 1);
    assert.equal(s3.requests.some((r) => /[?&]uploads/.test(r.url)), false);
  });
});
