/** Custom format, the format registry (default CSV, unsupported types) and gzip through the stream helpers. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressionOf } from '../../../agent/formats/compression.js';
import { FormatError } from '../../../agent/formats/format.js';
import type { DataRecord } from '../../../agent/formats/format.js';
import { encodingOf, formatFor, sameEncoding } from '../../../agent/formats/registry.js';
import { encoderStages, readRecords } from '../../../agent/formats/streams.js';
import { chunked, drain, nodeWith, readAll, taskOf, writeAll } from './helpers.js';
import type { ObjectView } from '../../../agent/objects.js';

function throwsFormat(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof FormatError && err.code === code && message.test(err.message));
}

describe('agent/formats: Custom, registry, gzip', () => {
  it('Custom: multi-character column separator, one-character record separator, no escaping', async () => {
    const f = formatFor(nodeWith({ type: 'Custom', columnSeparator: '::', recordSeparator: ';' }));
    assert.equal(f.type, 'Custom');
    const text = 'a,b::c\\d::e\nf;::x::;';
    assert.deepEqual(await readAll(f, text, 1), [['a,b', 'c\\d', 'e\nf'], ['', 'x', '']]);
    assert.equal(await writeAll(f, [['a,b', 'c\\d', 'e\nf'], ['', 'x', '']]), text);
  });

  it('Custom: NULL is written as nothing; a separator inside a value cannot be written', async () => {
    const f = formatFor(nodeWith({ type: 'Custom', columnSeparator: '|' }));
    assert.equal(await writeAll(f, [['a', null, 'b']]), 'a||b\n');
    await assert.rejects(writeAll(f, [['ok'], ['a|b']]), /output record 2, value 1: contains the columnSeparator, which a Custom data format cannot escape/);
    await assert.rejects(writeAll(f, [['a\nb']]), /contains the recordSeparator/);
  });

  it('Custom: CRLF refused with the line, widths checked, columnSeparator required', async () => {
    const f = formatFor(nodeWith({ type: 'Custom', columnSeparator: '|', column: ['a', 'b'] }));
    await assert.rejects(readAll(f, 'a|b\nc|d\r\n', 3), (e: FormatError) => e.code === 'CrlfRecordEnd' && /^line 2: CRLF/.test(e.message));
    await assert.rejects(readAll(f, 'a|b\nc|d\ne\n'), (e: FormatError) => e.code === 'MalformedRecord' && /^line 3: the record has 1 value/.test(e.message));
    throwsFormat(() => formatFor(nodeWith({ type: 'Custom' })), 'InvalidDataFormat', /Data format Fmt: a Custom data format needs a columnSeparator/);
    throwsFormat(() => formatFor(nodeWith({ type: 'Custom', columnSeparator: ',', recordSeparator: '\\r\\n' })), 'InvalidDataFormat', /recordSeparator must be a single character/);
  });

  it('no dataFormat is CopyActivity CSV; RegEx and unknown types are refused; a dangling ref too', () => {
    assert.equal(formatFor(nodeWith()).type, 'CSV');
    assert.equal(formatFor(nodeWith()).objectId, undefined);
    throwsFormat(() => formatFor(nodeWith({ type: 'RegEx', inputRegEx: '(.*)' })), 'UnsupportedDataFormat', /data format Fmt has type "RegEx", which CopyActivity cannot use/);
    throwsFormat(() => formatFor(nodeWith({ type: 'DynamoDBDataFormat' })), 'UnsupportedDataFormat', /EMR/);
    throwsFormat(() => formatFor(nodeWith({ type: 'Parquet' })), 'UnsupportedDataFormat', /CSV, TSV, Custom/);
    const dangling = taskOf({ Node: { type: 'S3DataNode', dataFormat: { ref: 'Gone' } } }).get('Node') as ObjectView;
    throwsFormat(() => formatFor(dangling), 'InvalidDataFormat', /dataFormat "Gone" does not name an object/);
    throwsFormat(() => formatFor(nodeWith({ type: 'CSV', column: [' '] })), 'InvalidDataFormat', /column " " is not "name TYPE"/);
  });

  it('sameEncoding: same type, settings, columns and compression', () => {
    const enc = (fmt?: Record<string, string>, node: Record<string, string> = {}) => encodingOf(nodeWith(fmt, node));
    assert.ok(sameEncoding(enc(), enc({ type: 'CSV' })));
    assert.ok(sameEncoding(enc({ type: 'TSV' }), enc({ type: 'TSV', columnSeparator: '\\t', escapeChar: '\\' })));
    assert.ok(!sameEncoding(enc(), enc({ type: 'TSV' })));
    assert.ok(!sameEncoding(enc({ type: 'CSV', escapeChar: '|' }), enc()));
    assert.ok(!sameEncoding(enc(), enc(undefined, { compression: 'gzip' })));
    assert.ok(sameEncoding(enc(undefined, { compression: 'GZIP' }), enc(undefined, { compression: 'gzip' })));
  });

  it('compression: none or gzip, anything else refused', () => {
    assert.equal(compressionOf(nodeWith()), 'none');
    assert.equal(compressionOf(nodeWith(undefined, { compression: 'none' })), 'none');
    throwsFormat(() => compressionOf(nodeWith(undefined, { compression: 'zip' })), 'InvalidCompression', /compression "zip" is not "none" or "gzip"/);
  });

  it('gzip round trip: records -> gzip bytes -> the same records', async () => {
    const enc = encodingOf(nodeWith({ type: 'TSV' }, { compression: 'gzip' }));
    const records: DataRecord[] = Array.from({ length: 2000 }, (_, i) => [`row ${i}`, i % 7 === 0 ? null : `v\t${i}\n`, 'ü']);
    const gz = await drain(Readable.from(records, { objectMode: true }), ...encoderStages(enc));
    const plain = gunzipSync(gz).toString('utf8');
    assert.equal(plain.split('\n').length - 1, 2000);
    assert.ok(plain.startsWith('row 0\t\\N\tü\nrow 1\tv\\t1\\n\tü\n'));
    const back: DataRecord[] = [];
    for await (const r of readRecords(chunked(gz, 100), enc)) back.push(r);
    assert.deepEqual(back, records);
  });

  it('batches() and batchWriter() give the same records and bytes as reader() and writer()', async () => {
    const formats: (Record<string, string> | undefined)[] = [undefined, { type: 'TSV' }, { type: 'Custom', columnSeparator: '|' }];
    for (const fmt of formats) {
      const f = formatFor(nodeWith(fmt));
      const records: DataRecord[] = Array.from({ length: 3000 }, (_, i) => [`${i}`, i % 5 === 0 && fmt?.type !== 'Custom' ? null : `v ${i}`]);
      const text = await writeAll(f, records);
      const batched = await drain(Readable.from([records.slice(0, 1000), records.slice(1000)], { objectMode: true }), f.batchWriter());
      assert.equal(batched.toString('utf8'), text);
      const batches: DataRecord[][] = [];
      for await (const b of f.batches(chunked(Buffer.from(text), 4096))) batches.push(b);
      assert.ok(batches.length > 1, 'one batch per chunk');
      assert.deepEqual(batches.flat(), records);
    }
  });

  it('gzip input: a corrupt stream fails the reader instead of ending early', async () => {
    const enc = encodingOf(nodeWith(undefined, { compression: 'gzip' }));
    const gz = gzipSync(Buffer.from('a,b\n'.repeat(1000)));
    const cut = gz.subarray(0, gz.length - 20);
    await assert.rejects(async () => {
      for await (const _r of readRecords(chunked(cut, 64), enc)) void _r;
    }, /unexpected end of file/);
  });
});
