/** Test harness: the real Agent in-process against a test server, with real executors and a temp output dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { Agent } from '../../agent/agent.js';
import type { AgentOptions } from '../../agent/agent.js';
import { executorFor } from '../../agent/executors/registry.js';
import { attemptPaths } from '../../agent/logs/attempt-paths.js';
import { sdkServiceApi } from '../../agent/service-api.js';
import type { ServiceApi } from '../../agent/service-api.js';
import { createResources } from '../../agent/resources.js';
import type { OwnedResources } from '../../agent/resources.js';
import { TEST_KEY } from './server.js';

export interface TestAgent {
  agent: Agent;
  outputDir: string;
  api: ServiceApi;
  lines: string[];
  stop(): Promise<void>;
}

export function quietLogger(lines: string[] = []): winston.Logger {
  return winston.createLogger({
    level: 'debug',
    format: winston.format.printf((i) => `${i.level}: ${String(i.message)}`),
    transports: [
      new winston.transports.Console({ silent: !process.env.DATAPIPE_TEST_LOG }),
      // Lines are recorded for assertions even when the console is silent (a silent transport skips its format).
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk: Buffer, _enc, cb) {
            lines.push(chunk.toString().replace(/\n$/, ''));
            cb();
          },
        }),
      }),
    ],
  });
}

export async function startTestAgent(
  url: string,
  workerGroup: string,
  o: Partial<AgentOptions> & { outputDir?: string; api?: ServiceApi; resources?: OwnedResources; gc?: () => void } = {},
): Promise<TestAgent> {
  const outputDir = o.outputDir ?? mkdtempSync(join(tmpdir(), 'dp-agent-'));
  const client = new DataPipelineClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials: TEST_KEY });
  const api =
    o.api ?? sdkServiceApi(client, { workerGroup, hostname: 'test-host', taskrunnerId: 'test-runner', pollTimeoutMs: 10_000 });
  const lines: string[] = [];
  const log = quietLogger(lines);
  // A Console transport with a printf format that records lines for assertions.
  const agent = new Agent(
    {
      tasks: 2,
      outputDir,
      progressIntervalMs: 50,
      heartbeatIntervalMs: 60_000,
      shutdownTimeoutMs: 5_000,
      killGraceMs: 200,
      backoff: { baseMs: 5, maxMs: 50 },
      minPollIntervalMs: 0,
      flushTimeoutMs: 2_000,
      ...o,
    },
    {
      api,
      log,
      executorFor,
      paths: (t) => attemptPaths(outputDir, t),
      resources: o.resources ?? createResources({ credentials: TEST_KEY, region: 'us-east-1', env: { ...process.env } }),
      gc: o.gc,
    },
  );
  await agent.start();
  return {
    agent,
    outputDir,
    api,
    lines,
    async stop() {
      await agent.stop('test done');
      client.destroy();
      if (!o.outputDir) rmSync(outputDir, { recursive: true, force: true });
    },
  };
}
