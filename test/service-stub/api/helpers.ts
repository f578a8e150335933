/** Shared steps for the SDK-level API tests: pipelines from CLI-format objects, polling, status look-ups, error checks. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DescribeObjectsCommand,
  DescribePipelinesCommand,
  PollForTaskCommand,
  PutPipelineDefinitionCommand,
  QueryObjectsCommand,
  ReportTaskProgressCommand,
  SetTaskStatusCommand,
} from '@aws-sdk/client-data-pipeline';
import type { DataPipelineClient, ParameterValue, PipelineObject, TaskObject } from '@aws-sdk/client-data-pipeline';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { toPipelineObjects } from '../../support/server.js';

const Sha256 = Hash.bind(null, 'sha256');

export const STORES = ['pglite', 'postgres'] as const;

/** A short random suffix: tests share one server per suite, so names and worker groups must not collide. */
export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export type CliObject = Record<string, unknown>;

export async function createPipeline(c: DataPipelineClient, name = uniq('p')): Promise<string> {
  const { pipelineId } = await c.send(new CreatePipelineCommand({ name, uniqueId: uniq('u') }));
  assert.ok(pipelineId);
  return pipelineId;
}

/** Create, put (must validate cleanly) and activate; returns the pipeline id. */
export async function createAndActivate(
  c: DataPipelineClient,
  objects: CliObject[],
  opts: { parameterValues?: ParameterValue[]; parameterObjects?: { id: string; attributes: { key: string; stringValue: string }[] }[] } = {},
): Promise<string> {
  const pipelineId = await createPipeline(c);
  const put = await c.send(
    new PutPipelineDefinitionCommand({
      pipelineId,
      pipelineObjects: toPipelineObjects(objects),
      parameterObjects: opts.parameterObjects,
      parameterValues: opts.parameterValues,
    }),
  );
  assert.equal(put.errored, false, JSON.stringify(put.validationErrors));
  await c.send(new ActivatePipelineCommand({ pipelineId }));
  return pipelineId;
}

/** On-demand Default for a worker group, plus extra Default fields. */
export function ondemandDefault(workerGroup: string, extra: CliObject = {}): CliObject {
  return { id: 'Default', scheduleType: 'ondemand', workerGroup, ...extra };
}

export function shell(id: string, extra: CliObject = {}): CliObject {
  return { id, type: 'ShellCommandActivity', command: `echo ${id}`, ...extra };
}

/** First value (string or ref) of a field. */
export function field(o: PipelineObject | undefined, key: string): string | undefined {
  const f = o?.fields?.find((x) => x.key === key);
  return f?.stringValue ?? f?.refValue;
}

export function fieldValues(o: PipelineObject | undefined, key: string): string[] {
  return (o?.fields ?? []).filter((x) => x.key === key).map((x) => (x.stringValue ?? x.refValue) as string);
}

export async function describe1(c: DataPipelineClient, pipelineId: string, objectId: string): Promise<PipelineObject> {
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: [objectId] }));
  assert.equal(d.pipelineObjects?.length, 1);
  return d.pipelineObjects[0];
}

/** `@status` of each object id. */
export async function statusOf(c: DataPipelineClient, pipelineId: string, ids: string[]): Promise<Record<string, string | undefined>> {
  const d = await c.send(new DescribeObjectsCommand({ pipelineId, objectIds: ids }));
  return Object.fromEntries((d.pipelineObjects ?? []).map((o) => [o.id as string, field(o, '@status')]));
}

/** Ids of one sphere (all pages), optionally of one component. */
export async function queryIds(c: DataPipelineClient, pipelineId: string, sphere: 'INSTANCE' | 'ATTEMPT' | 'COMPONENT', component?: string): Promise<string[]> {
  const out: string[] = [];
  let marker: string | undefined;
  do {
    const r = await c.send(
      new QueryObjectsCommand({
        pipelineId,
        sphere,
        marker,
        query: component ? { selectors: [{ fieldName: '@componentParent', operator: { type: 'REF_EQ', values: [component] } }] } : undefined,
      }),
    );
    out.push(...(r.ids ?? []));
    marker = r.marker;
  } while (marker);
  return out;
}

/** The (single, or latest) instance id of a component. */
export async function instanceOf(c: DataPipelineClient, pipelineId: string, component: string): Promise<string> {
  const ids = await queryIds(c, pipelineId, 'INSTANCE', component);
  assert.ok(ids.length >= 1, `no instance of ${component}`);
  return ids[ids.length - 1];
}

export async function instanceStatus(c: DataPipelineClient, pipelineId: string, component: string): Promise<string | undefined> {
  const id = await instanceOf(c, pipelineId, component);
  return (await statusOf(c, pipelineId, [id]))[id];
}

/** One poll; a held poll that ends empty costs the server's 200 ms test hold. */
export async function poll(c: DataPipelineClient, workerGroup: string, hostname = 'host-1'): Promise<TaskObject | undefined> {
  const r = await c.send(new PollForTaskCommand({ workerGroup, hostname }));
  return r.taskObject;
}

/** Poll expecting a task of the given component (matched on the attempt id). */
export async function pollFor(c: DataPipelineClient, workerGroup: string, component: string): Promise<TaskObject & { taskId: string; attemptId: string }> {
  const t = await poll(c, workerGroup);
  assert.ok(t?.taskId && t.attemptId, `expected a task of ${component}, got none`);
  assert.ok(t.attemptId.startsWith(`@${component}_`), `expected a task of ${component}, got ${t.attemptId}`);
  return t as TaskObject & { taskId: string; attemptId: string };
}

export async function ack(c: DataPipelineClient, taskId: string): Promise<boolean> {
  const r = await c.send(new ReportTaskProgressCommand({ taskId }));
  assert.equal(typeof r.canceled, 'boolean');
  return r.canceled === true;
}

export async function finish(c: DataPipelineClient, taskId: string): Promise<void> {
  await ack(c, taskId);
  await c.send(new SetTaskStatusCommand({ taskId, taskStatus: 'FINISHED' }));
}

export async function fail(c: DataPipelineClient, taskId: string, errorMessage = 'boom'): Promise<void> {
  await c.send(new SetTaskStatusCommand({ taskId, taskStatus: 'FAILED', errorId: 'MyError', errorMessage }));
}

export async function pipelineField(c: DataPipelineClient, pipelineId: string, key: string): Promise<string | undefined> {
  const d = await c.send(new DescribePipelinesCommand({ pipelineIds: [pipelineId] }));
  const f = d.pipelineDescriptionList?.[0]?.fields?.find((x) => x.key === key);
  return f?.stringValue ?? f?.refValue;
}

interface SdkError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

/** The call fails with this error name and HTTP status (400 unless said); returns the error for further checks. */
export async function expectError(p: Promise<unknown>, name: string, status = 400): Promise<SdkError> {
  let err: SdkError | undefined;
  try {
    await p;
  } catch (e) {
    err = e as SdkError;
  }
  assert.ok(err, `expected ${name}, but the call succeeded`);
  assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status, `${name} should be HTTP ${status}`);
  return err;
}

export const MINUTE = 60_000;

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when empty. */
  json: { __type?: string; message?: string } & Record<string, unknown>;
}

/** SigV4 headers (Authorization, X-Amz-Date, ...; not Host) for a JSON 1.1 POST of `body` to `url`. */
export async function signHeaders(
  url: string,
  body: string,
  headers: Record<string, string>,
  key: { accessKeyId: string; secret: string; date?: Date },
): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({
    service: 'datapipeline',
    region: 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
    sha256: Sha256,
  });
  const req = new HttpRequest({ method: 'POST', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: '/', headers: { ...headers, host: u.host }, body });
  const signed = await signer.sign(req, { signingDate: key.date ?? new Date() });
  // fetch sets Host itself (and refuses to be given one).
  return Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host'));
}

/**
 * A hand-made JSON 1.1 request, SigV4-signed with `sign` (key, secret and date) unless `sign` is false:
 * for what the SDK will not send (bad targets, junk bodies, stale signatures, no signature at all).
 */
export async function rawRequest(
  url: string,
  opts: { target?: string; body?: string; sign?: false | { accessKeyId: string; secret: string; date?: Date }; headers?: Record<string, string> },
): Promise<RawResponse> {
  const body = opts.body ?? '{}';
  let headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    ...(opts.target !== undefined ? { 'x-amz-target': opts.target } : {}),
    ...opts.headers,
  };
  if (opts.sign) headers = await signHeaders(url, body, headers, opts.sign);
  const res = await fetch(`${new URL(url).origin}/`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: RawResponse['json'] = {};
  if (text) {
    try {
      json = JSON.parse(text) as RawResponse['json'];
    } catch {
      assert.fail(`response body is not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
    }
  }
  return { status: res.status, headers: res.headers, text, json };
}
