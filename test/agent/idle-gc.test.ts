import assert from 'node:assert/strict';
import { ActivatePipelineCommand, CreatePipelineCommand, PutPipelineDefinitionCommand } from '@aws-sdk/client-data-pipeline';
import { IdleGc } from '../../agent/idle-gc.js';
import { startTestAgent } from '../support/agent.js';
import { startTestServer, toPipelineObjects } from '../support/server.js';
import type { TestServer } from '../support/server.js';

function collector(o: { busy?: () => boolean; gc?: boolean } = {}) {
  let collections = 0;
  const g = new IdleGc({ checkMs: 60_000, pollsPerCollection: 1000, busy: o.busy ?? (() => false), gc: o.gc === false ? undefined : () => collections++ });
  return { g, collections: () => collections };
}

describe('IdleGc: one full collection once idle after work (agent/idle-gc.ts)', () => {
  it('collects after a task, or after enough polls, and starts counting again', () => {
    const { g, collections } = collector();
    assert.equal(g.check(), false, 'no work yet');
    for (let i = 0; i < 999; i++) g.pollEnded();
    assert.equal(g.check(), false, '999 polls are not enough');
    g.pollEnded();
    assert.equal(g.check(), true);
    assert.equal(g.check(), false, 'nothing since the last collection');
    g.taskEnded();
    assert.equal(g.check(), true, 'one task is enough');
    assert.equal(collections(), 2);
  });

  it('never collects while an attempt runs, and does nothing without gc', () => {
    let busy = true;
    const { g, collections } = collector({ busy: () => busy });
    g.taskEnded();
    assert.equal(g.check(), false);
    busy = false;
    assert.equal(g.check(), true);
    assert.equal(collections(), 1);
    const none = collector({ gc: false });
    none.g.taskEnded();
    none.g.start();
    assert.equal(none.g.check(), false);
    none.g.stop();
  });

  describe('in the agent', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer('pglite');
    });
    after(async () => server?.close());

    it('collects once the task has ended, never while it runs', async () => {
      const c = server.client();
      const pipelineId = (await c.send(new CreatePipelineCommand({ name: 'gc', uniqueId: 'idle-gc-1' }))).pipelineId as string;
      await c.send(
        new PutPipelineDefinitionCommand({
          pipelineId,
          pipelineObjects: toPipelineObjects([
            { id: 'Default', scheduleType: 'ondemand', workerGroup: 'wg-idle-gc' },
            { id: 'A', type: 'ShellCommandActivity', command: 'true' },
          ]),
        }),
      );
      const busyAtCollection: number[] = [];
      let ended = 0;
      const t = await startTestAgent(server.url, 'wg-idle-gc', { idleGcCheckMs: 1, gc: () => busyAtCollection.push(t.agent.busy) });
      try {
        t.agent.on('task-end', () => ended++);
        await c.send(new ActivatePipelineCommand({ pipelineId }));
        const end = Date.now() + 15_000;
        while (busyAtCollection.length === 0 && Date.now() < end) await new Promise((r) => setImmediate(r));
        assert.equal(ended, 1);
        assert.ok(busyAtCollection.length >= 1, 'collected after the task');
        assert.ok(busyAtCollection.every((b) => b === 0), `collected while busy: ${busyAtCollection.join(',')}`);
      } finally {
        await t.stop();
      }
    });
  });
});
