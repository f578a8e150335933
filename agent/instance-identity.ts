/**
 * The EC2 instance identity (document + signature) that PollForTask carries on EC2, as the jar sends it: the service
 * uses it to tell an EC2 runner from an on-premises one (taskrunner.md 2.2, api.md PollForTask). Read from the
 * instance metadata service (IMDSv2 token first, IMDSv1 if the token call is refused) once at start-up, then cached.
 * Off EC2 nothing answers: a short connect timeout keeps that cheap, and a missing identity never stops the agent.
 * `AWS_EC2_METADATA_DISABLED=true` turns it off and `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it (the SDK's names).
 */
import http from 'node:http';
import type { InstanceIdentity } from '@aws-sdk/client-data-pipeline';

const DEFAULT_ENDPOINT = 'http://169.254.169.254';
const IPV6_ENDPOINT = 'http://[fd00:ec2::254]';
const TOKEN_PATH = '/latest/api/token';
const DOCUMENT_PATH = '/latest/dynamic/instance-identity/document';
// The base64 signature, not `/pkcs7`: the API caps each InstanceIdentity part at 1024 characters and pkcs7 is longer.
const SIGNATURE_PATH = '/latest/dynamic/instance-identity/signature';
/** The API's limit for InstanceIdentity.document and .signature (api.md 2, `string`). */
export const IDENTITY_PART_MAX = 1024;

export type ImdsErrorCode = 'ImdsUnreachable' | 'ImdsTimeout' | 'ImdsHttpError' | 'ImdsTooLong';

export class ImdsError extends Error {
  override readonly name = 'ImdsError';
  constructor(
    readonly code: ImdsErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface InstanceIdentityOptions {
  env?: NodeJS.ProcessEnv;
  /** Limit for the TCP connect: off EC2 the address usually goes nowhere (default 1 s). */
  connectTimeoutMs?: number;
  /** Limit for an answer once connected (default 2 s). */
  responseTimeoutMs?: number;
  /** How old a cached identity may get before a background re-read (default 6 h); it never blocks a poll. */
  refreshMs?: number;
  now?: () => number;
  /** Told once per read what happened (found, not on EC2, disabled); never given the token. */
  onResult?(r: IdentityResult): void;
}

export type IdentityResult =
  | { kind: 'found'; instanceId?: string; region?: string }
  /** `kept`: a re-read failed and the identity read earlier stays in use. */
  | { kind: 'absent'; reason: string; kept: boolean }
  | { kind: 'disabled' };

export interface InstanceIdentitySource {
  /** The identity for the next poll: waits for the first read only (bounded by its timeouts), then the cache. */
  get(): InstanceIdentity | undefined | Promise<InstanceIdentity | undefined>;
}

export function imdsDisabled(env: NodeJS.ProcessEnv): boolean {
  return (env.AWS_EC2_METADATA_DISABLED ?? '').trim().toLowerCase() === 'true';
}

export function imdsEndpoint(env: NodeJS.ProcessEnv): string {
  const explicit = env.AWS_EC2_METADATA_SERVICE_ENDPOINT?.trim();
  if (explicit) return explicit.replace(/\/+$/, '');
  return env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.trim().toLowerCase() === 'ipv6' ? IPV6_ENDPOINT : DEFAULT_ENDPOINT;
}

interface Limits {
  connectMs: number;
  responseMs: number;
}

/** One IMDS request over plain HTTP (link-local: never through a proxy). */
function imdsRequest(base: string, method: 'GET' | 'PUT', path: string, headers: Record<string, string>, l: Limits): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, `${base}/`);
    const req = http.request(url, { method, headers, agent: false });
    let timer = setTimeout(() => fail(new ImdsError('ImdsUnreachable', `no connection to ${base} within ${l.connectMs} ms`)), l.connectMs);
    let settled = false;
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    }
    req.on('socket', (socket) => {
      const answered = () => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(new ImdsError('ImdsTimeout', `${method} ${path}: no answer within ${l.responseMs} ms`)), l.responseMs);
      };
      if (socket.connecting) socket.once('connect', answered);
      else answered();
    });
    req.on('error', (err: NodeJS.ErrnoException) => fail(new ImdsError('ImdsUnreachable', `${method} ${path}: ${err.code ?? err.message}`)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => fail(new ImdsError('ImdsUnreachable', `${method} ${path}: ${err.message}`)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new ImdsError('ImdsHttpError', `${method} ${path}: HTTP ${status}`, status));
      });
    });
    req.end();
  });
}

/** Read the identity once. Rejects with an ImdsError when there is no usable identity. */
export async function fetchInstanceIdentity(env: NodeJS.ProcessEnv, l: Limits): Promise<InstanceIdentity> {
  const base = imdsEndpoint(env);
  let headers: Record<string, string> = {};
  try {
    const token = await imdsRequest(base, 'PUT', TOKEN_PATH, { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' }, l);
    headers = { 'x-aws-ec2-metadata-token': token.trim() };
  } catch (err) {
    // No TCP connection at all means no IMDS (off EC2): stop here rather than wait a second time. A refused or
    // unanswered token call (IMDSv2 not offered, or a container past the PUT hop limit) falls back to IMDSv1.
    const e = err as ImdsError;
    if (e.code === 'ImdsUnreachable' || e.status === 400) throw err;
    if ((env.AWS_EC2_METADATA_V1_DISABLED ?? '').trim().toLowerCase() === 'true') throw err;
  }
  const [document, signature] = await Promise.all([
    imdsRequest(base, 'GET', DOCUMENT_PATH, headers, l),
    imdsRequest(base, 'GET', SIGNATURE_PATH, headers, l),
  ]);
  // The service rejects a longer part, and a rejected poll would stop all work: without the identity it still runs.
  for (const [name, v] of [['document', document], ['signature', signature]] as const) {
    if (v.length > IDENTITY_PART_MAX) {
      throw new ImdsError('ImdsTooLong', `the instance identity ${name} is ${v.length} characters (the API allows ${IDENTITY_PART_MAX})`);
    }
  }
  return { document, signature };
}

/** The runner-log line for a read: info when found, debug otherwise (off EC2 is normal), none when disabled. */
export function identityLogLine(r: IdentityResult): { level: 'info' | 'debug'; text: string } | undefined {
  if (r.kind === 'found') {
    return { level: 'info', text: `running on EC2 instance ${r.instanceId ?? '?'} in ${r.region ?? '?'}: polls carry its instance identity` };
  }
  if (r.kind === 'disabled') return undefined;
  return {
    level: 'debug',
    text: r.kept
      ? `re-reading the EC2 instance identity failed (${r.reason}); keeping the one read earlier`
      : `no EC2 instance identity (${r.reason}); polling without it`,
  };
}

function summary(doc: string): { instanceId?: string; region?: string } {
  try {
    const d = JSON.parse(doc) as { instanceId?: unknown; region?: unknown };
    return { instanceId: typeof d.instanceId === 'string' ? d.instanceId : undefined, region: typeof d.region === 'string' ? d.region : undefined };
  } catch {
    return {};
  }
}

/**
 * Start reading the identity now and return the source the poller asks. The first read is shared by all poll slots;
 * later re-reads happen in the background and keep the last good identity if they fail.
 */
export function startInstanceIdentity(o: InstanceIdentityOptions = {}): InstanceIdentitySource {
  const env = o.env ?? process.env;
  if (imdsDisabled(env)) {
    o.onResult?.({ kind: 'disabled' });
    return { get: () => undefined };
  }
  const limits: Limits = { connectMs: o.connectTimeoutMs ?? 1000, responseMs: o.responseTimeoutMs ?? 2000 };
  const refreshMs = o.refreshMs ?? 6 * 3600_000;
  const now = o.now ?? Date.now;
  let cached: InstanceIdentity | undefined;
  let readAt = 0;
  let inFlight: Promise<InstanceIdentity | undefined> | undefined;

  const read = (): Promise<InstanceIdentity | undefined> => {
    inFlight ??= fetchInstanceIdentity(env, limits).then(
      (id) => {
        cached = id;
        o.onResult?.({ kind: 'found', ...summary(id.document ?? '') });
        return id;
      },
      (err: Error) => {
        o.onResult?.({ kind: 'absent', reason: err.message, kept: cached !== undefined });
        return cached;
      },
    ).finally(() => {
      readAt = now();
      inFlight = undefined;
    });
    return inFlight;
  };
  const first = read();
  let firstDone = false;
  void first.then(() => (firstDone = true));
  return {
    get() {
      if (!firstDone) return first;
      if (now() - readAt >= refreshMs && !inFlight) void read();
      return cached;
    },
  };
}
