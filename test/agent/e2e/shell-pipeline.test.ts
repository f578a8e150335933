import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivatePipelineCommand, CreatePipelineCommand, DescribeObjectsCommand, PutPipelineDefinitionCommand, QueryObjectsCommand } from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startTestAgent } from '../../support/agent.js';
import { startTestServer, toPipelineObjects } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';

async function statuses(c: DataPipelineClient, pipelineId: string): Promise<Record<string, string>> {
  const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE' }));
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids ?? [] }));
  const out: Record<string, string> = {};
  for (const o of d.pipelineObjects ?? []) {
    const comp = o.fields?.find((f) => f.key === '@componentParent')?.refValue as string;
    out[comp] = o.fields?.find((f) => f.key === '@status')?.stringValue as string;
  }
  return out;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('agent e2e: shell pipeline against the control plane', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('pglite');
  });
  after(async () => server?.close());

  it('runs a dependency chain with a precondition and reports each outcome', async () => {
    const c = server.client();
    const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'e2e', uniqueId: 'e2e-1' }))).pipelineId as string;
    const put = await c.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: toPipelineObjects([
          { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-e2e', failureAndRerunMode: 'cascade', maximumRetries: '0' },
          { id: 'Ready', type: 'ShellCommandPrecondition', command: 'test -n "$1"', scriptArgument: 'x' },
          { id: 'A', type: 'ShellCommandActivity', command: 'echo "hello $1 $2"; echo err >&2', scriptArgument: ['big', 'world'], precondition: { ref: 'Ready' } },
          { id: 'B', type: 'ShellCommandActivity', command: 'exit 3', dependsOn: { ref: 'A' } },
          { id: 'C', type: 'ShellCommandActivity', command: 'true', dependsOn: { ref: 'B' } },
        ]),
      }),
    );
    assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
    const agent = await startTestAgent(server.url, 'wg-e2e');
    try {
      await c.send(new ActivatePipelineCommand({ pipelineId }));
      const s = await until(() => statuses(c, pipelineId), (v) => v.C === 'CASCADE_FAILED');
      assert.deepEqual(s, { Ready: 'FINISHED', A: 'FINISHED', B: 'FAILED', C: 'CASCADE_FAILED' });
      const q = await c.send(new QueryObjectsCommand({ pipelineId, sphere: 'ATTEMPT' }));
      const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: q.ids ?? [] }));
      const b = d.pipelineObjects?.find((o) => o.id?.startsWith('@B_'));
      const field = (k: string) => b?.fields?.find((f) => f.key === k)?.stringValue;
      assert.equal(field('errorId'), 'NonZeroExit');
      assert.match(field('errorMessage') ?? '', /3/);
      const a = d.pipelineObjects?.find((o) => o.id?.startsWith('@A_'));
      const logDir = join(agent.outputDir, 'logs', pipelineId, 'A', a!.fields!.find((f) => f.key === '@instanceParent')!.refValue!, a!.id!);
      assert.equal(readFileSync(join(logDir, 'StdOutput'), 'utf8'), 'hello big world\n');
      assert.equal(readFileSync(join(logDir, 'StdError'), 'utf8'), 'err\n');
    } finally {
      await agent.stop();
    }
  });
});
