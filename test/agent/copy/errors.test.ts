/** CopyActivity failures: each names the object, the field, the bucket and key; none leaves a partial object. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResources } from '../../../agent/resources.js';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { failed, runCopy, s3Node } from './helpers.js';

describe('CopyActivity errors', () => {
  let s3: TestS3;
  let dir: string;

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('src');
    await s3.createBucket('dst');
    await s3.putObject('src', 'ok.csv', 'a,b\n');
    await s3.putObject('src', 'crlf.csv', 'a,b\nc,d\r\ne,f\n');
    await s3.putObject('src', 'mixed/1.csv', 'x,1\n'.repeat(1000));
    await s3.putObject('src', 'mixed/2.csv', 'y,2\ny,3\r\n');
    await s3.putObject('src', 'comma.csv', 'a\\,b,c\n');
  });
  after(async () => s3?.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-copy-err-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const copy = (inNode: Record<string, unknown>, outNode: Record<string, unknown>, more = {}) =>
    runCopy(dir, s3.resources(), { In: inNode, Out: outNode, ...more } as never);

  it('NoSuchBucket on the input names the node, field and bucket', async () => {
    failed(await copy(s3Node('file:s3://nobucket/k.csv'), s3Node('file:s3://dst/x.csv')), 'S3NoSuchBucket', /^In\.filePath: .*s3:\/\/nobucket\/k\.csv: bucket nobucket does not exist/);
    failed(await copy(s3Node('dir:s3://nobucket/d/'), s3Node('dir:s3://dst/x/')), 'S3NoSuchBucket', /^In\.directoryPath: .*nobucket/);
  });

  it('NoSuchKey on the input; NoSuchBucket on the output names the output node', async () => {
    failed(await copy(s3Node('file:s3://src/missing.csv'), s3Node('file:s3://dst/x.csv')), 'S3NoSuchKey', /^In\.filePath: .*s3:\/\/src\/missing\.csv: no such key/);
    failed(await copy(s3Node('file:s3://src/ok.csv'), s3Node('file:s3://nodst/x.csv')), 'S3NoSuchBucket', /^Out\.filePath: .*s3:\/\/nodst\/x\.csv.*nodst does not exist/);
    const tsv = { T: { type: 'TSV' } };
    failed(await copy(s3Node('file:s3://src/ok.csv'), s3Node('file:s3://nodst/x.tsv', { dataFormat: { ref: 'T' } }), tsv), 'S3NoSuchBucket', /^Out\.filePath: .*nodst/);
  });

  it('AccessDenied (credentials S3 refuses) names the node and bucket', async () => {
    const resources = createResources({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'x' }, region: 'us-east-1', env: { ...process.env, ...s3.env } });
    try {
      const r = await runCopy(dir, resources, { In: s3Node('file:s3://src/ok.csv'), Out: s3Node('file:s3://dst/x.csv') });
      failed(r, 'S3AccessDenied', /^In\.filePath: .*s3:\/\/src\/ok\.csv: access denied/);
    } finally {
      await resources.close();
    }
  });

  it('a bad s3:// URI, a missing path, a directory as filePath', async () => {
    failed(await copy(s3Node('file:http://src/ok.csv'), s3Node('file:s3://dst/x.csv')), 'InvalidS3Uri', /^In\.filePath: "http:\/\/src\/ok\.csv" is not a valid S3 URI/);
    failed(await copy(s3Node('file:s3://src/ok.csv'), s3Node('file:s3:///x.csv')), 'InvalidS3Uri', /^Out\.filePath: .*bucket name is empty/);
    failed(await copy({ type: 'S3DataNode' }, s3Node('file:s3://dst/x.csv')), 'InvalidS3DataNode', /^In: an S3DataNode needs exactly one of filePath and directoryPath \(neither is set\)/);
    failed(await copy(s3Node('file:s3://src/ok.csv'), s3Node('file:s3://dst/dir/')), 'InvalidS3Uri', /^Out\.filePath: "s3:\/\/dst\/dir\/" names a directory/);
  });

  it('unsupported data formats and compression name the node and field', async () => {
    failed(
      await copy(s3Node('file:s3://src/ok.csv', { dataFormat: { ref: 'R' } }), s3Node('file:s3://dst/x.csv'), { R: { type: 'RegEx', inputRegEx: '(.*)' } }),
      'UnsupportedDataFormat',
      /^In\.dataFormat: data format R has type "RegEx", which CopyActivity cannot use/,
    );
    failed(await copy(s3Node('file:s3://src/ok.csv'), s3Node('file:s3://dst/x.csv', { compression: 'bzip2' })), 'InvalidCompression', /^Out\.compression: compression "bzip2"/);
    failed(
      await copy(s3Node('file:s3://src/ok.csv'), s3Node('file:s3://dst/x.csv', { dataFormat: { ref: 'C' } }), { C: { type: 'Custom' } }),
      'InvalidDataFormat',
      /^Out\.dataFormat: Data format C: a Custom data format needs a columnSeparator/,
    );
  });

  it('input declared gzip that is not gzip fails with InvalidGzip', async () => {
    failed(await copy(s3Node('file:s3://src/ok.csv', { compression: 'gzip' }), s3Node('file:s3://dst/notgz.csv')), 'InvalidGzip', /^In\.filePath \(s3:\/\/src\/ok\.csv\): the data is not valid gzip \(incorrect header check\); is compression set right\?$/);
    assert.deepEqual(await s3.listKeys('dst', 'notgz'), []);
  });

  it('CRLF records fail with the line, node, field, bucket and key, and write nothing', async () => {
    const tsv = { T: { type: 'TSV' } };
    const m = failed(
      await copy(s3Node('file:s3://src/crlf.csv'), s3Node('file:s3://dst/crlf.tsv', { dataFormat: { ref: 'T' } }), tsv),
      'CrlfRecordEnd',
      /^In\.filePath \(s3:\/\/src\/crlf\.csv\): line 2: CRLF record ends are not supported by CopyActivity's CSV; convert the data to LF$/,
    );
    assert.ok(m);
    assert.deepEqual(await s3.listKeys('dst', 'crlf'), []);
  });

  it('a failure in the second object of a concatenation leaves no output object', async () => {
    failed(await copy(s3Node('dir:s3://src/mixed/'), s3Node('file:s3://dst/mixed.csv')), 'CrlfRecordEnd', /^In\.directoryPath \(s3:\/\/src\/mixed\/2\.csv\): line 2:/);
    assert.deepEqual(await s3.listKeys('dst', 'mixed'), []);
  });

  it('a failure after multipart parts were sent aborts the multipart upload: no object appears', async () => {
    await s3.putObject('src', 'late-crlf.csv', Buffer.concat([Buffer.from('x,1234567890\n'.repeat(700_000)), Buffer.from('bad,row\r\n')]));
    s3.requests.length = 0;
    const tsv = { T: { type: 'TSV' } };
    failed(await copy(s3Node('file:s3://src/late-crlf.csv'), s3Node('file:s3://dst/late.tsv', { dataFormat: { ref: 'T' } }), tsv), 'CrlfRecordEnd', /line 700001:/);
    assert.ok(s3.requests.some((q) => q.method === 'PUT' && q.url.startsWith('/dst/late.tsv?') && /partNumber=/.test(q.url)), 'parts were uploaded');
    assert.ok(s3.requests.some((q) => q.method === 'DELETE' && q.url.startsWith('/dst/late.tsv?') && /uploadId=/.test(q.url)), 'AbortMultipartUpload sent');
    assert.deepEqual(await s3.listKeys('dst', 'late'), []);
  });

  it('the S3 server going away mid-read fails the copy and writes nothing', async () => {
    await s3.putObject('src', 'cut.csv', 'a,b\n'.repeat(50_000));
    s3.cutNextDownloadAfter(10_000);
    const tsv = { T: { type: 'TSV' } };
    failed(await copy(s3Node('file:s3://src/cut.csv'), s3Node('file:s3://dst/cut.tsv', { dataFormat: { ref: 'T' } }), tsv), 'S3Error', /^In\.filePath: .*s3:\/\/src\/cut\.csv/);
    assert.deepEqual(await s3.listKeys('dst', 'cut'), []);
  });

  it('a cancel in the middle of a record copy stops it and leaves no object', async () => {
    await s3.putObject('src', 'long.csv', 'y,1234567890\n'.repeat(300_000));
    let aborted = false;
    const r = await runCopy(dir, s3.resources(), { In: s3Node('file:s3://src/long.csv'), Out: s3Node('file:s3://dst/long.tsv', { dataFormat: { ref: 'T' } }), T: { type: 'TSV' } }, 1, (line, ctx) => {
      // The first progress line: bytes are flowing.
      if (!aborted && /^info: copy In -> Out: /.test(line)) {
        aborted = true;
        ctx.controller.abort(new Error('test cancel'));
      }
    });
    assert.ok(aborted, 'a progress line was logged');
    failed(r, 'Aborted', /: the copy was stopped \(Unknown\)$/);
    assert.deepEqual(await s3.listKeys('dst', 'long'), []);
  });

  it('a value the output format cannot hold fails naming the output node, and writes nothing', async () => {
    failed(
      await copy(s3Node('file:s3://src/comma.csv'), s3Node('file:s3://dst/comma.txt', { dataFormat: { ref: 'C' } }), { C: { type: 'Custom', columnSeparator: ',' } }),
      'MalformedRecord',
      /^Out\.dataFormat \(s3:\/\/dst\/comma\.txt\): output record 1, value 1: contains the columnSeparator/,
    );
    assert.deepEqual(await s3.listKeys('dst', 'comma'), []);
  });

  it('a copy onto its own input is refused', async () => {
    failed(await copy(s3Node('dir:s3://src/mixed/'), s3Node('dir:s3://src/mixed')), 'InvalidCopy', /^Out\.directoryPath: s3:\/\/src\/mixed\/1\.csv is also an object of the input In/);
  });

  it('other data nodes: UnsupportedCopy naming the types; input/output counts checked', async () => {
    failed(await copy({ type: 'DynamoDBDataNode', tableName: 't' }, s3Node('file:s3://dst/x.csv')), 'UnsupportedCopy', /cannot copy from DynamoDBDataNode In to S3DataNode Out: it copies between S3DataNode, SqlDataNode, MySqlDataNode/);
    failed(await copy(s3Node('file:s3://src/ok.csv'), { type: 'RedshiftDataNode', tableName: 't' }), 'UnsupportedCopy', /to RedshiftDataNode Out/);
    const { createCopyActivity } = await import('../../../agent/executors/copy-activity.js');
    const { s3Context } = await import('../s3/context.js');
    const ctx = s3Context(dir, s3.resources(), { type: 'CopyActivity', input: [{ ref: 'A' }, { ref: 'B' }], output: { ref: 'Gone' } }, { A: s3Node('file:s3://src/ok.csv'), B: s3Node('file:s3://src/ok.csv') });
    const o = await createCopyActivity().execute(ctx);
    assert.equal(o.status === 'FAILED' && o.errorId, 'InvalidCopyActivity');
    assert.match(o.status === 'FAILED' ? o.errorMessage : '', /input: a CopyActivity takes exactly one input, got 2 \(A, B\)/);
  });
});
