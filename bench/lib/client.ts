/** The real SDK client as a runner would hold it (keep-alive connections), and pipelines to feed it work. */
import http from 'node:http';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  PutPipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import { TEST_KEY, toPipelineObjects } from '../../test/support/server.js';

export function benchClient(url: string, maxSockets = 64): DataPipelineClient {
  return new DataPipelineClient({
    endpoint: url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: TEST_KEY,
    // The SDK builds its NodeHttpHandler from these options; maxSockets bounds requests in flight at once.
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets }) },
  });
}

/** Run `fn` over `items` with at most `n` at once. */
export async function mapLimit<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * On-demand pipelines of `activities` independent ShellCommandActivities on `workerGroup`, defined but not
 * activated. Returns their ids.
 */
export async function definePipelines(
  c: DataPipelineClient,
  opts: { count: number; activities: number; workerGroup: string; prefix: string },
): Promise<string[]> {
  const objects = toPipelineObjects([
    { id: 'Default', scheduleType: 'ondemand', workerGroup: opts.workerGroup, failureAndRerunMode: 'CASCADE' },
    ...Array.from({ length: opts.activities }, (_, i) => ({ id: `A${i}`, type: 'ShellCommandActivity', command: `echo ${i}` })),
  ]);
  return mapLimit(Array.from({ length: opts.count }, (_, i) => i), 4, async (i) => {
    const { pipelineId } = await c.send(new CreatePipelineCommand({ name: `${opts.prefix}-${i}`, uniqueId: `${opts.prefix}-${i}` }));
    const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: objects }));
    if (put.errored) throw new Error(`bench definition rejected: ${JSON.stringify(put.validationErrors)}`);
    return pipelineId as string;
  });
}

export async function activateAll(c: DataPipelineClient, ids: readonly string[]): Promise<void> {
  await mapLimit(ids, 4, (pipelineId) => c.send(new ActivatePipelineCommand({ pipelineId })));
}
