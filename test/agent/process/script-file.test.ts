/** The attempt's script file: name, mode, shell choice, positional arguments, scriptUri. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TaskFailure } from '../../../agent/executors/executor.js';
import { chooseShell, fetchScript, prepareScript, scriptFileName } from '../../../agent/process/script-file.js';
import type { PreparedScript } from '../../../agent/process/script-file.js';
import { runProcess } from '../../../agent/process/run.js';
import { removeTempDirs, shOptions, tempDir } from './helpers.js';

const ATTEMPT = '@ShellCommandActivityObj_2017-08-13T14:20:27_Attempt=1';

async function runScript(dir: string, s: PreparedScript): Promise<string> {
  const r = await runProcess({ ...shOptions(dir, '', new AbortController().signal), file: s.shell, args: s.args });
  assert.equal(r.exitCode, 0, r.stderr.tail);
  return readFileSync(join(dir, 'StdOutput'), 'utf8');
}

function failsWith(errorId: string, text?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof TaskFailure, String(e));
    assert.equal(e.errorId, errorId);
    if (text) assert.match(e.message, text);
    return true;
  };
}

describe('agent/process/script-file', () => {
  after(removeTempDirs);

  it('names the script after the attempt id with every non-alphanumeric character removed', () => {
    assert.equal(scriptFileName(ATTEMPT), 'ShellCommandActivityObj20170813T142027Attempt1_command.sh');
  });

  it('writes command verbatim into <tmpDir>/<name>, mode 0700, creating tmpDir', async () => {
    const dir = tempDir();
    const tmpDir = join(dir, 'tmp', 'df-1-abc');
    const command = 'echo "$1"\n# ${INPUT1_STAGING_DIR} stays as written';
    const s = await prepareScript({ command, scriptArguments: [] }, { attemptId: ATTEMPT, tmpDir });
    assert.equal(s.scriptPath, join(tmpDir, 'ShellCommandActivityObj20170813T142027Attempt1_command.sh'));
    assert.equal(readFileSync(s.scriptPath, 'utf8'), command);
    assert.equal(statSync(s.scriptPath).mode & 0o777, 0o700);
    assert.deepEqual(s.args, [s.scriptPath]);
  });

  it('writes into a tmpDir that exists (the agent made it) and over a script already there, mode 0700 either way', async () => {
    const tmpDir = join(tempDir(), 'tmp');
    mkdirSync(tmpDir, { mode: 0o700 });
    const s = await prepareScript({ command: 'echo first', scriptArguments: [] }, { attemptId: ATTEMPT, tmpDir });
    assert.equal(readFileSync(s.scriptPath, 'utf8'), 'echo first');
    assert.equal(statSync(s.scriptPath).mode & 0o777, 0o700);
    chmodSync(s.scriptPath, 0o644);
    const again = await prepareScript({ command: 'echo second', scriptArguments: [] }, { attemptId: ATTEMPT, tmpDir });
    assert.equal(readFileSync(again.scriptPath, 'utf8'), 'echo second');
    assert.equal(statSync(again.scriptPath).mode & 0o777, 0o700);
  });

  it('passes scriptArgument values as $1..$n, spaces, quotes and $ untouched', async () => {
    const dir = tempDir();
    const args = ['hello world', `it's "quoted" $HOME \`x\``, ''];
    const s = await prepareScript(
      { command: `printf '[%s]\\n' "$#" "$1" "$2" "$3"`, scriptArguments: args },
      { attemptId: ATTEMPT, tmpDir: join(dir, 'tmp') },
    );
    assert.equal(await runScript(dir, s), `[3]\n[hello world]\n[it's "quoted" $HOME \`x\`]\n[]\n`);
  });

  it('uses /bin/bash when present and falls back to /bin/sh', async function () {
    if (!existsSync('/bin/bash')) this.skip();
    assert.equal(await chooseShell(), existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh');
    const dir = tempDir();
    const command = 'echo "${BASH_VERSION:-no-bash}"';
    const bash = await prepareScript({ command, scriptArguments: [] }, { attemptId: 'a1', tmpDir: join(dir, 'b'), shells: ['/bin/bash'] });
    assert.equal(bash.shell, '/bin/bash');
    assert.notEqual(await runScript(join(dir, 'b'), bash), 'no-bash\n');
    const sh = await prepareScript({ command, scriptArguments: [] }, { attemptId: 'a2', tmpDir: join(dir, 's'), shells: [join(dir, 'no-bash'), '/bin/sh'] });
    assert.equal(sh.shell, '/bin/sh');
    // /bin/sh may itself be bash on some hosts; on this one it is whatever it is, so only assert when it is not.
    if (!readFileSync('/bin/sh').includes('BASH_VERSION')) assert.equal(await runScript(join(dir, 's'), sh), 'no-bash\n');
    await assert.rejects(chooseShell([join(dir, 'none')]), failsWith('ShellNotFound'));
  });

  it('copies a file:// scriptUri (or an absolute path) into place and runs it with its arguments', async () => {
    const dir = tempDir();
    const src = join(dir, 'my script.sh');
    writeFileSync(src, 'echo "from file: $1"\n', { mode: 0o644 });
    for (const uri of [pathToFileURL(src).href, src]) {
      const tmpDir = join(dir, 'tmp-' + (uri === src ? 'path' : 'url'));
      const s = await prepareScript({ scriptUri: uri, scriptArguments: ['x y'] }, { attemptId: ATTEMPT, tmpDir });
      assert.equal(statSync(s.scriptPath).mode & 0o777, 0o700);
      assert.equal(await runScript(tmpDir, s), 'from file: x y\n');
    }
  });

  it('rejects s3:// without S3 resources, relative and missing scriptUris, and command + scriptUri together or neither', async () => {
    const dir = tempDir();
    const dest = join(dir, 'x.sh');
    await assert.rejects(fetchScript('s3://bucket/key.sh', dest), failsWith('UnsupportedScriptUri', /S3/));
    await assert.rejects(fetchScript('scripts/x.sh', dest), failsWith('UnsupportedScriptUri'));
    await assert.rejects(fetchScript(pathToFileURL(join(dir, 'missing.sh')).href, dest), failsWith('ScriptUriNotReadable', /no such file/));
    const o = { attemptId: ATTEMPT, tmpDir: join(dir, 'tmp') };
    await assert.rejects(prepareScript({ command: 'true', scriptUri: 's3://b/k', scriptArguments: [] }, o), failsWith('InvalidShellCommand', /Both/));
    await assert.rejects(prepareScript({ command: '  ', scriptArguments: [] }, o), failsWith('InvalidShellCommand', /Neither/));
    // The fetch hook is the single place a scheme is added.
    let fetched = '';
    await prepareScript({ scriptUri: 's3://b/k.sh', scriptArguments: [] }, { ...o, fetch: async (uri, d) => { fetched = uri; writeFileSync(d, 'true'); } });
    assert.equal(fetched, 's3://b/k.sh');
  });
});
