import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  SetStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import type { TaskResult } from '../../../agent/task.js';
import { processGone } from '../../../agent/process/proc.js';
import { startTestAgent } from '../../support/agent.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function attempts(c: DataPipelineClient, pipelineId: string) {
  const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere: 'ATTEMPT' }));
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids ?? [] }));
  return (d.pipelineObjects ?? []).map((o) => {
    const f = (k: string) => o.fields?.find((x) => x.key === k)?.stringValue;
    return { id: o.id as string, status: f('@status'), errorId: f('errorId'), errorMessage: f('errorMessage'), instance: o.fields?.find((x) => x.key === '@instanceParent')?.refValue };
  });
}

async function pipeline(c: DataPipelineClient, objects: Record<string, unknown>[]): Promise<string> {
  const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'x', uniqueId: `u-${Math.random()}` }))).pipelineId as string;
  const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(objects) }));
  assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
  await c.send(new ActivatePipelineCommand({ pipelineId }));
  return pipelineId;
}

/** A command that records its pid and a background grandchild's pid, then blocks until killed. */
function blockingCommand(dir: string): string {
  return `sleep 600 & echo $! > "${dir}/grandchild.pid"; echo $$ > "${dir}/child.pid"; wait`;
}

describe('agent e2e: cancel and attemptTimeout kill the whole process group', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await startTestServer('pglite');
  });
  after(async () => server?.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-cancel-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('TRY_CANCEL of a running instance kills the child and its grandchild and reports no status', async () => {
    const c = server.client();
    const agent = await startTestAgent(server.url, 'wg-cancel');
    const ended: TaskResult[] = [];
    agent.agent.on('task-end', (_t, r) => ended.push(r));
    try {
      const pipelineId = await pipeline(c, [
        { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-cancel' },
        { id: 'Long', type: 'ShellCommandActivity', command: blockingCommand(dir) },
      ]);
      await until(() => existsSync(join(dir, 'child.pid')) && existsSync(join(dir, 'grandchild.pid')), Boolean, 'the command to start');
      const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
      const grandchild = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
      const [a] = await attempts(c, pipelineId);
      await c.send(new SetStatusCommand({ pipelineId, objectIds: [a.instance as string], status: 'TRY_CANCEL' }));
      await until(() => ended, (e) => e.length === 1, 'the task to end');
      assert.deepEqual(ended, ['canceled']);
      assert.ok(processGone(child), 'the child is gone');
      assert.ok(processGone(grandchild), 'the grandchild is gone');
      const after = await attempts(c, pipelineId);
      assert.equal(after[0].status, 'CANCELED');
      assert.equal(after[0].errorId, undefined, 'no SetTaskStatus was sent');
    } finally {
      await agent.stop();
    }
  });

  it('attemptTimeout is enforced locally: group killed, FAILED with errorId AttemptTimeout', async () => {
    const c = server.client();
    const agent = await startTestAgent(server.url, 'wg-timeout');
    try {
      const pipelineId = await pipeline(c, [
        { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-timeout', maximumRetries: '0' },
        { id: 'Slow', type: 'ShellCommandActivity', command: blockingCommand(dir), attemptTimeout: '1 seconds' },
      ]);
      const done = await until(() => attempts(c, pipelineId), (a) => a[0]?.status === 'FAILED', 'the attempt to fail');
      assert.equal(done[0].errorId, 'AttemptTimeout');
      assert.ok(processGone(Number(readFileSync(join(dir, 'child.pid'), 'utf8'))));
      assert.ok(processGone(Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'))));
    } finally {
      await agent.stop();
    }
  });
});
