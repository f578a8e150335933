/** CopyActivity S3 -> S3 against s3rver: server-side when the formats match, record by record otherwise. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startTestS3 } from '../../support/s3.js';
import type { TestS3 } from '../../support/s3.js';
import { finished, runCopy, s3Node } from './helpers.js';

const CSV = 'id,name,note\n1,Zoë,a\\,b\n2,\\N,tab\there\n3,back\\\\slash,new\\nline\n';
const TSV = 'id\tname\tnote\n1\tZoë\ta,b\n2\t\\N\ttab\\there\n3\tback\\\\slash\tnew\\nline\n';

describe('CopyActivity S3 -> S3 (agent/copy/s3-to-s3)', () => {
  let s3: TestS3;
  let dir: string;
  const gets = (key: string) => s3.requests.filter((r) => r.method === 'GET' && r.url.split('?')[0] === `/src/${key}`);

  before(async () => {
    s3 = await startTestS3();
    await s3.createBucket('src');
    await s3.createBucket('dst');
    await s3.putObject('src', 'one/data.csv', CSV);
    await s3.putObject('src', 'tree/a.csv', 'a,1\n');
    await s3.putObject('src', 'tree/sub/b.csv', 'b,2\n');
    await s3.putObject('src', 'tree/sub/', '');
    await s3.putObject('src', 'gz/data.csv.gz', gzipSync(CSV));
  });
  after(async () => s3?.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-copy-'));
    s3.requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('same format, file -> file: a server-side copy, no body read, SSE sent', async () => {
    const r = await runCopy(dir, s3.resources(), { In: s3Node('file:s3://src/one/data.csv'), Out: s3Node('file:s3://dst/copy/data.csv') });
    finished(r);
    assert.equal((await s3.getObject('dst', 'copy/data.csv')).toString(), CSV);
    assert.deepEqual(gets('one/data.csv'), [], 'the body must not pass through the agent');
    const put = s3.requests.find((q) => q.method === 'PUT' && q.url.split('?')[0] === '/dst/copy/data.csv');
    assert.equal(put?.headers['x-amz-copy-source'], 'src/one/data.csv');
    assert.equal(put?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.ok(r.ctx.lines.some((l) => /server-side copy/.test(l)));
  });

  it('same format, file -> directory: the object lands under the directory with its name; NONE sends no SSE', async () => {
    const fmt = { type: 'TSV' };
    const r = await runCopy(dir, s3.resources(), {
      In: s3Node('file:s3://src/one/data.csv', { dataFormat: { ref: 'F1' } }),
      Out: s3Node('dir:s3://dst/f2d/', { dataFormat: { ref: 'F2' }, s3EncryptionType: 'NONE' }),
      F1: fmt,
      F2: { ...fmt, columnSeparator: '\\t' },
    });
    finished(r);
    assert.deepEqual(await s3.listKeys('dst', 'f2d/'), ['f2d/data.csv']);
    assert.deepEqual(gets('one/data.csv'), []);
    const put = s3.requests.find((q) => q.method === 'PUT' && q.url.split('?')[0] === '/dst/f2d/data.csv');
    assert.equal(put?.headers['x-amz-server-side-encryption'], undefined);
  });

  it('same format, directory -> directory: every object, relative paths kept, folder markers skipped', async () => {
    const r = await runCopy(dir, s3.resources(), { In: s3Node('dir:s3://src/tree'), Out: s3Node('dir:s3://dst/d2d') });
    finished(r);
    assert.deepEqual(await s3.listKeys('dst', 'd2d/'), ['d2d/a.csv', 'd2d/sub/b.csv']);
    assert.equal((await s3.getObject('dst', 'd2d/sub/b.csv')).toString(), 'b,2\n');
    assert.deepEqual(gets('tree/a.csv'), []);
  });

  it('CSV -> TSV record by record, byte-exact', async () => {
    const r = await runCopy(dir, s3.resources(), {
      In: s3Node('file:s3://src/one/data.csv', { dataFormat: { ref: 'Csv' } }),
      Out: s3Node('file:s3://dst/conv/data.tsv', { dataFormat: { ref: 'Tsv' } }),
      Csv: { type: 'CSV', column: ['id INT', 'name STRING', 'note STRING'] },
      Tsv: { type: 'TSV' },
    });
    finished(r);
    assert.equal((await s3.getObject('dst', 'conv/data.tsv')).toString(), TSV);
    assert.equal(gets('one/data.csv').length, 1);
    assert.ok(r.ctx.lines.some((l) => /Copy done \(record by record\): 1 object\(s\) written, 4 records/.test(l)), r.ctx.lines.join('\n'));
  });

  it('gzip in -> plain TSV directory (name loses .gz), and plain -> gzip (name gains .gz)', async () => {
    const tsv = { type: 'TSV' };
    finished(await runCopy(dir, s3.resources(), { In: s3Node('file:s3://src/gz/data.csv.gz', { compression: 'gzip' }), Out: s3Node('dir:s3://dst/unzipped', { dataFormat: { ref: 'T' } }), T: tsv }));
    assert.equal((await s3.getObject('dst', 'unzipped/data.csv')).toString(), TSV);
    finished(await runCopy(dir, s3.resources(), { In: s3Node('file:s3://src/one/data.csv'), Out: s3Node('dir:s3://dst/zipped/', { compression: 'gzip', dataFormat: { ref: 'T' } }), T: tsv }));
    assert.equal(gunzipSync(await s3.getObject('dst', 'zipped/data.csv.gz')).toString(), TSV);
    // gzip on both sides with the same format: a server-side copy of the compressed bytes.
    s3.requests.length = 0;
    finished(await runCopy(dir, s3.resources(), { In: s3Node('file:s3://src/gz/data.csv.gz', { compression: 'gzip' }), Out: s3Node('dir:s3://dst/gz2', { compression: 'GZIP' }) }));
    assert.deepEqual(gets('gz/data.csv.gz'), []);
    assert.equal(gunzipSync(await s3.getObject('dst', 'gz2/data.csv.gz')).toString(), CSV);
  });

  it('directory -> directory with another format: each object converted on its own, relative paths kept', async () => {
    finished(await runCopy(dir, s3.resources(), { In: s3Node('dir:s3://src/tree/'), Out: s3Node('dir:s3://dst/d2d-tsv/', { dataFormat: { ref: 'T' } }), T: { type: 'TSV' } }));
    assert.deepEqual(await s3.listKeys('dst', 'd2d-tsv/'), ['d2d-tsv/a.csv', 'd2d-tsv/sub/b.csv']);
    assert.equal((await s3.getObject('dst', 'd2d-tsv/sub/b.csv')).toString(), 'b\t2\n');
  });

  it('directory -> file concatenates the objects in key order, record by record', async () => {
    const r = await runCopy(dir, s3.resources(), { In: s3Node('dir:s3://src/tree/'), Out: s3Node('file:s3://dst/all.csv') });
    finished(r);
    assert.equal((await s3.getObject('dst', 'all.csv')).toString(), 'a,1\nb,2\n');
  });

  it('a 50 MB object goes through a multipart upload, with progress lines', async () => {
    const row = (i: number) => `${i},${'x'.repeat(90)},${i % 3 === 0 ? '\\N' : 'v'}\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 50 * 1024 * 1024; i++) {
      const s = row(i);
      parts.push(s);
      size += s.length;
    }
    const csv = parts.join('');
    await s3.putObject('src', 'big/big.csv', csv);
    s3.requests.length = 0;
    const r = await runCopy(
      dir,
      s3.resources(),
      { In: s3Node('file:s3://src/big/big.csv'), Out: s3Node('file:s3://dst/big/big.tsv', { dataFormat: { ref: 'T' } }), T: { type: 'TSV' } },
      5,
    );
    finished(r);
    const out = await s3.getObject('dst', 'big/big.tsv');
    assert.equal(out.length, csv.length);
    assert.ok(out.equals(Buffer.from(csv.replaceAll(',', '\t'))), 'TSV content');
    const uploadParts = s3.requests.filter((q) => q.method === 'PUT' && /[?&]partNumber=/.test(q.url));
    assert.ok(uploadParts.length >= 6, `expected multipart parts, got ${uploadParts.length}`);
    assert.ok(uploadParts.every((q) => q.url.startsWith('/dst/big/big.tsv?')));
    const create = s3.requests.find((q) => q.method === 'POST' && q.url.startsWith('/dst/big/big.tsv?uploads'));
    assert.equal(create?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.ok(r.ctx.lines.some((l) => /^info: copy In -> Out: \d+ objects?, [\d.]+ MiB of 50\.\d MiB \(\d+%\), \d+ records, /.test(l)), r.ctx.lines.join('\n'));
  });
});
