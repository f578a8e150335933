/** The datapipe-server command line: a bad option exits 2 naming it, before anything is opened; --help lists all. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, removeTempDirs, runServerCommand, tempDir } from './spawn-server.js';

describe('datapipe-server command line', function () {
  this.timeout(40_000);
  after(() => removeTempDirs());

  it('bad options exit 2 with a message naming the option', async () => {
    const dir = tempDir();
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{"AKID": "secret",');
    const noObject = join(dir, 'list.json');
    writeFileSync(noObject, '["AKID", "secret"]');
    const dataDir = join(dir, 'data');
    const cases: { args: string[]; names: RegExp }[] = [
      { args: ['--port', 'abc'], names: /--port/ },
      { args: ['--port', '70000'], names: /--port .*70000/ },
      { args: ['--port', '-1'], names: /--port/ },
      { args: ['--database-url', 'mysql://x'], names: /--database-url/ },
      { args: ['--keys', join(dir, 'missing.json')], names: /--keys .*missing\.json/ },
      { args: ['--keys', notJson], names: /--keys .*not-json\.json.*JSON/ },
      { args: ['--keys', noObject], names: /--keys .*list\.json/ },
      { args: ['--poll-wait', '0'], names: /--poll-wait/ },
      { args: ['--max-objects', 'abc'], names: /--max-objects/ },
      { args: ['--max-pipelines', '0'], names: /--max-pipelines/ },
      { args: ['--log-level', 'loud'], names: /log-level/ },
      { args: ['--bogus-option'], names: /bogus-option/ },
    ];
    // In parallel: each is a node start-up of its own.
    const results = await Promise.all(cases.map((c) => runServerCommand(['--data-dir', dataDir, '--port', '0', ...c.args])));
    results.forEach((r, i) => {
      const what = `${cases[i].args.join(' ')}:\n${r.stdout}${r.stderr}`;
      assert.deepEqual({ code: r.code, signal: r.signal }, { code: 2, signal: null }, what);
      assert.match(r.stderr, /^datapipe-server: /, what);
      assert.match(r.stderr, cases[i].names, what);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace rather than a message: ${what}`);
      assert.doesNotMatch(r.stdout, /listening on/, what);
    });
    // Refused before anything was created: no store, no generated key pair.
    assert.equal(existsSync(dataDir), false, 'a data dir was created by a command line that was refused');
  });

  it('--help lists every option and exits 0', async () => {
    const source = readFileSync(join(REPO_ROOT, 'service-stub', 'cli.ts'), 'utf8');
    const declared = [...source.matchAll(/\.option\('([a-z-]+)'/g)].map((m) => m[1]);
    const documented = ['host', 'port', 'data-dir', 'database-url', 'keys', 'poll-wait', 'relaxed-limits', 'max-pipelines', 'max-objects', 'region', 'log-level'];
    for (const o of documented) assert.ok(declared.includes(o), `cli.ts no longer declares --${o}`);
    const r = await runServerCommand(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const o of [...declared, 'help']) assert.match(r.stdout, new RegExp(`^\\s+--${o}\\b`, 'm'), `--help does not list --${o}`);
  });
});
