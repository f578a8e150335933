/** /proc parsing, the tail buffer and makeDirs. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../../../agent/process/outputs.js';
import { parseProcStat, processStartTicks } from '../../../agent/process/proc.js';
import { TailBuffer } from '../../../agent/process/tail-buffer.js';

describe('agent/process/proc and tail-buffer', () => {
  it('parses /proc/<pid>/stat even when the command name holds spaces and parentheses', () => {
    const fields3to22 = ['S', '1', '4242', '4242', '0', '-1', '4194560', '0', '0', '0', '0', '0', '0', '0', '0', '20', '0', '1', '0', '987654'];
    const st = parseProcStat(`4242 (a) (b c)) ${fields3to22.join(' ')} 1000 2000\n`);
    assert.deepEqual(st, { pid: 4242, comm: 'a) (b c)', state: 'S', ppid: 1, pgrp: 4242, startTicks: 987654 });
    assert.equal(parseProcStat('garbage'), undefined);
    assert.equal(parseProcStat('12 (x) S 1 2'), undefined);
  });

  it('reads our own start time', () => {
    assert.equal(typeof processStartTicks(process.pid), 'number');
    assert.equal(processStartTicks(2 ** 22 + 12345), undefined);
  });

  it('keeps the last N bytes and never starts inside a UTF-8 sequence', () => {
    const t = new TailBuffer(8);
    t.push(Buffer.from('abc'));
    assert.equal(t.text(), 'abc');
    assert.equal(t.truncated, false);
    t.push(Buffer.from('defghij'));
    assert.equal(t.text(), 'cdefghij');
    assert.equal(t.bytes, 10);
    assert.equal(t.truncated, true);
    t.push(Buffer.from('x'.repeat(100) + 'END'));
    assert.equal(t.text(), 'xxxxxEND');
    // 'é' is two bytes; 7 bytes of "ééééé" start mid-character.
    const u = new TailBuffer(7);
    u.push(Buffer.from('ééééé'));
    assert.equal(u.text(), 'ééé');
  });
});

describe('agent/process/outputs makeDirs', () => {
  it('creates nested directories, accepts existing ones, and fails (not hangs) where ENOENT repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tr-mk-'));
    try {
      await makeDirs(join(dir, 'a', 'b', 'c'));
      await makeDirs(join(dir, 'a', 'b'));
      assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
      await assert.rejects(makeDirs('/proc/no/such/dir'), { code: 'ENOENT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
