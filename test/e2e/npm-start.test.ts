import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm start (the local stack)', () => {
  it('runs the sample pipeline end to end with --once and exits 0', async function () {
    this.timeout(180_000);
    const dir = mkdtempSync(join(tmpdir(), 'dp-stack-'));
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--once'], {
        env: { ...process.env, DATAPIPE_STACK_DIR: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeout: 170_000,
      });
      assert.match(stdout, /control plane: http:\/\/127\.0\.0\.1:\d+/);
      assert.match(stdout, /the run FINISHED\./);
      for (const step of ['WriteGreeting', 'GreetingWritten', 'ReadGreeting', 'StampDate', 'Cleanup']) {
        assert.match(stdout, new RegExp(`@${step}_\\S+\\s+FINISHED`), `${step} finished`);
      }
      assert.match(stdout, /aws datapipeline list-runs --pipeline-id df-\w+ --endpoint-url http/);
      // The secret is never printed, only where to find it.
      const keys = JSON.parse(readFileSync(join(dir, 'server', 'keys.json'), 'utf8')) as Record<string, string>;
      assert.ok(!stdout.includes(Object.values(keys)[0]), 'the secret key is not printed');
      assert.ok(existsSync(join(dir, 'output', 'logs', 'TaskRunner.log')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
