import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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
      for (const step of ['WriteGreeting', 'GreetingWritten', 'ReadGreeting', 'StampDate', 'Cleanup', 'UpperCaseOrders', 'CopyToTsv']) {
        assert.match(stdout, new RegExp(`@${step}_\\S+\\s+FINISHED`), `${step} finished`);
      }
      assert.match(stdout, /aws datapipeline list-runs --pipeline-id df-\w+ --endpoint-url http/);
      assert.match(stdout, /aws s3 ls --recursive s3:\/\/datapipe-sample\/ --endpoint-url http/);
      // The staged step upper-cased the input and CopyActivity turned it into TSV on the embedded S3.
      const tsv = findFile(join(dir, 's3', 'datapipe-sample'), (p) => p.includes('/tsv/') && p.endsWith('._S3rver_object'));
      assert.ok(tsv, 'a TSV object was written');
      assert.equal(readFileSync(tsv, 'utf8'), '1\tALICE\t12.50\n2\tBOB\t7.25\n3\tCAROL\t100.00\n');
      // The secret is never printed, only where to find it.
      const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as Record<string, string>;
      assert.ok(!stdout.includes(Object.values(keys)[0]), 'the secret key is not printed');
      assert.ok(existsSync(join(dir, 'output', 'logs', 'TaskRunner.log')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function findFile(dir: string, ok: (path: string) => boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const found = findFile(p, ok);
      if (found) return found;
    } else if (ok(p)) return p;
  }
  return undefined;
}
