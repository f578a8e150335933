/** Pipelines and queries shared by the process tests. */
import assert from 'node:assert/strict';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribeObjectsCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, Field } from '@aws-sdk/client-data-pipeline';
import { toPipelineObjects } from '../../support/server.js';

/** An on-demand pipeline of `n` independent ShellCommandActivity objects in worker group `workerGroup`, activated. */
export async function activeShellPipeline(c: DataPipelineClient, name: string, n: number, workerGroup = 'wg'): Promise<string> {
  const { pipelineId } = await c.send(new CreatePipelineCommand({ name, uniqueId: `${name}-${process.pid}-${Date.now()}` }));
  const objects: Record<string, unknown>[] = [{ id: 'Default', scheduleType: 'ondemand', workerGroup }];
  for (let i = 0; i < n; i++) objects.push({ id: `A${i}`, type: 'ShellCommandActivity', command: `echo ${i}` });
  const put = await c.send(new PutPipelineDefinitionCommand({ pipelineId, pipelineObjects: toPipelineObjects(objects) }));
  assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
  await c.send(new ActivatePipelineCommand({ pipelineId }));
  return pipelineId!;
}

/** All ids of a sphere (every page). */
export async function queryAll(c: DataPipelineClient, pipelineId: string, sphere: 'INSTANCE' | 'ATTEMPT'): Promise<string[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const r = await c.send(new QueryObjectsCommand({ pipelineId, sphere, marker, limit: 100 }));
    ids.push(...(r.ids ?? []));
    marker = r.hasMoreResults ? r.marker : undefined;
  } while (marker);
  return ids;
}

export function field(o: { fields?: Field[] }, key: string): string | undefined {
  return o.fields?.find((f) => f.key === key)?.stringValue ?? o.fields?.find((f) => f.key === key)?.refValue;
}

/** `@status` of each object, by id. */
export async function statuses(c: DataPipelineClient, pipelineId: string, ids: string[]): Promise<Map<string, string | undefined>> {
  if (!ids.length) return new Map();
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids }));
  return new Map((d.pipelineObjects ?? []).map((o) => [o.id!, field(o, '@status')]));
}
