/** CopyActivity's CSV and TSV: exact bytes both ways, whatever the chunking, and errors with line numbers. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatFor } from '../../../agent/formats/registry.js';
import { FormatError } from '../../../agent/formats/format.js';
import type { DataRecord } from '../../../agent/formats/format.js';
import { chunked, nodeWith, readAll, writeAll } from './helpers.js';

const csv = () => formatFor(nodeWith());

/** Every kind of value that needs care, with the exact CSV text CopyActivity's CSV gives it. */
const TRICKY: [string | null, string][] = [
  ['plain', 'plain'],
  ['a,b', 'a\\,b'],
  ['back\\slash', 'back\\\\slash'],
  ['new\nline', 'new\\nline'],
  ['carriage\rreturn', 'carriage\\rreturn'],
  ['tab\there', 'tab\there'],
  ['üñí€ 😀 漢字', 'üñí€ 😀 漢字'],
  ['', ''],
  [null, '\\N'],
  ['N', 'N'],
  ['\\N', '\\\\N'],
  ['ends with cr\r', 'ends with cr\\r'],
  ['"quoted"', '"quoted"'],
];

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<FormatError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof FormatError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a FormatError');
}

describe('agent/formats: CopyActivity CSV and TSV', () => {
  it('CSV writes every tricky value byte-exactly, unquoted with backslash escapes', async () => {
    const record = TRICKY.map(([v]) => v);
    const expected = TRICKY.map(([, t]) => t).join(',') + '\n';
    assert.equal(await writeAll(csv(), [record, ['x', null]]), expected + 'x,\\N\n');
  });

  it('CSV reads them back identically, even one byte per chunk', async () => {
    const record = TRICKY.map(([v]) => v);
    const text = TRICKY.map(([, t]) => t).join(',') + '\n' + 'x,\\N\n';
    for (const size of [1, 2, 3, 7, 1 << 16]) {
      assert.deepEqual(await readAll(csv(), text, size), [record, ['x', null]], `chunk size ${size}`);
    }
  });

  it('CSV reading: a last record without LF, empty lines, MySQL-style escaped LF, other escapes', async () => {
    assert.deepEqual(await readAll(csv(), 'a,b\nc,d'), [['a', 'b'], ['c', 'd']]);
    assert.deepEqual(await readAll(csv(), '\n\n'), [[''], ['']]);
    assert.deepEqual(await readAll(csv(), ''), []);
    assert.deepEqual(await readAll(csv(), 'one\\\ntwo,x\n'), [['one\ntwo', 'x']]);
    assert.deepEqual(await readAll(csv(), '\\q\\"\\Nx,\\N\\N,,\\N\n'), [['q"Nx', 'NN', '', null]]);
    assert.deepEqual(await readAll(csv(), 'lone\rcr,x\n'), [['lone\rcr', 'x']]);
  });

  it('CSV refuses CRLF record ends with the line number, however the bytes are split', async () => {
    for (const size of [1, 4, 1 << 16]) {
      const e = await rejects(readAll(csv(), 'a,b\nc,d\ne,f\r\n', size), 'CrlfRecordEnd', /^line 3: CRLF record ends are not supported by CopyActivity's CSV; convert the data to LF$/);
      assert.equal(e.line, 3);
    }
    // An escaped CR before the LF is data, not a CRLF end.
    assert.deepEqual(await readAll(csv(), 'a\\\r\n'), [['a\r']]);
  });

  it('counts escaped newlines in line numbers', async () => {
    await rejects(readAll(csv(), 'a\\\nb\nc\r\n'), 'CrlfRecordEnd', /^line 3:/);
  });

  it('a dangling escape at the end fails with its line', async () => {
    await rejects(readAll(csv(), 'a,b\nc,d\\', 1), 'MalformedRecord', /^line 2: the data ends with a dangling escape character "\\\\"$/);
  });

  it('declared columns: a record of another width fails with its line, reading and writing', async () => {
    const f = formatFor(nodeWith({ type: 'CSV', column: ['name STRING', 'score INT'] }));
    assert.deepEqual(f.columns, [{ name: 'name', type: 'STRING' }, { name: 'score', type: 'INT' }]);
    assert.deepEqual(await readAll(f, 'a,1\nb\\,c,2\n'), [['a', '1'], ['b,c', '2']]);
    await rejects(readAll(f, 'a,1\nb,c,2\n'), 'MalformedRecord', /^line 2: the record has 3 values but the data format declares 2 columns$/);
    await rejects(writeAll(f, [['a', '1'], ['b']]), 'MalformedRecord', /^output record 2: the record has 1 value/);
  });

  it('bytes that are not UTF-8 fail instead of being replaced', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\nbad'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const parts: DataRecord[] = [];
    await rejects(
      (async () => {
        for await (const r of csv().reader(chunked(bytes, 5))) parts.push(r);
      })(),
      'InvalidEncoding',
      /not valid UTF-8/,
    );
  });

  it('escapeChar can be another character', async () => {
    const f = formatFor(nodeWith({ type: 'CSV', escapeChar: '|' }));
    assert.equal(await writeAll(f, [['a,b', 'c|d', 'e\\f', null, 'x\ny']]), 'a|,b,c||d,e\\f,|N,x|ny\n');
    assert.deepEqual(await readAll(f, 'a|,b,c||d,e\\f,|N,x|ny\n'), [['a,b', 'c|d', 'e\\f', null, 'x\ny']]);
  });

  it('TSV: tabs in values are escaped as \\t, commas are not', async () => {
    const f = formatFor(nodeWith({ type: 'TSV' }));
    const text = 'a\\tb\tc,d\t\\N\te\\\\f\\ng\n';
    assert.equal(await writeAll(f, [['a\tb', 'c,d', null, 'e\\f\ng']]), text);
    assert.deepEqual(await readAll(f, text, 1), [['a\tb', 'c,d', null, 'e\\f\ng']]);
    await rejects(readAll(f, 'a\tb\r\n'), 'CrlfRecordEnd', /^line 1: CRLF record ends are not supported by CopyActivity's TSV/);
  });

  it('TSV with its own separators, written as characters or as \\ spellings', async () => {
    for (const fields of [
      { columnSeparator: '|', recordSeparator: ';' },
      { columnSeparator: '\\u007c', recordSeparator: '\\073' },
    ]) {
      const f = formatFor(nodeWith({ type: 'TSV', ...fields }));
      const text = 'a\\|b|c\\;d|e\\nf\tg;x|\\N;';
      assert.equal(await writeAll(f, [['a|b', 'c;d', 'e\nf\tg'], ['x', null]]), text);
      assert.deepEqual(await readAll(f, text, 1), [['a|b', 'c;d', 'e\nf\tg'], ['x', null]]);
    }
    const spelled = formatFor(nodeWith({ type: 'TSV', columnSeparator: '\\t' }));
    assert.equal(await writeAll(spelled, [['a', 'b']]), 'a\tb\n');
  });

  it('bad separators are refused naming the data format object', () => {
    assert.throws(() => formatFor(nodeWith({ type: 'TSV', columnSeparator: '::' })), /Data format Fmt: columnSeparator must be a single character, got "::"/);
    assert.throws(() => formatFor(nodeWith({ type: 'TSV', columnSeparator: 'n' })), /ambiguous/);
    assert.throws(() => formatFor(nodeWith({ type: 'CSV', escapeChar: ',' })), /escapeChar "," is also a separator/);
  });

  it('any records round-trip byte-exactly through CSV and TSV, in any chunking (property)', async () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.string({ unit: fc.constantFrom('a', ',', '\\', '\n', '\r', '\t', 'N', '|', ';', 'é', '😀', ' ') }),
      fc.string({ unit: 'grapheme' }),
    );
    const records = fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { maxLength: 8 });
    const formats = [csv(), formatFor(nodeWith({ type: 'TSV' })), formatFor(nodeWith({ type: 'TSV', columnSeparator: '|', recordSeparator: ';', escapeChar: '~' }))];
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 9 }), fc.nat(2), async (rs, size, k) => {
        const f = formats[k];
        const text = await writeAll(f, rs);
        assert.deepEqual(await readAll(f, text, size), rs);
        assert.equal(await writeAll(f, await readAll(f, text)), text);
      }),
      { numRuns: 300 },
    );
  });
});
