/** The removals on a task's path: as `rm -f` / `rm -rf`, in fewer calls. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFile, removeTree } from '../../../agent/fs-remove.js';
import { removeTempDirs, tempDir } from './helpers.js';

describe('agent/fs-remove', () => {
  after(removeTempDirs);

  it('removeFile removes a file and accepts one that is not there', async () => {
    const f = join(tempDir(), 'report.json');
    writeFileSync(f, '{}');
    await removeFile(f);
    assert.equal(existsSync(f), false);
    await removeFile(f);
  });

  it('removeTree removes a scratch directory with files, a symlink and a subdirectory, never the link target', async () => {
    const base = tempDir();
    const outside = join(base, 'keep');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious'), 'x');
    const dir = join(base, 'scratch');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'a_command.sh'), 'true');
    writeFileSync(join(dir, 'sub', 'deeper', 'f'), 'x');
    symlinkSync(outside, join(dir, 'link'));
    await removeTree(dir);
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(join(outside, 'precious')), true);
  });

  it('removeTree accepts a directory that is not there', async () => {
    await removeTree(join(tempDir(), 'never-made'));
  });
});
