/** A tiny instance metadata service on 127.0.0.1 for the instance-identity tests (AWS_EC2_METADATA_SERVICE_ENDPOINT). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_DOCUMENT = JSON.stringify({ accountId: '123456789012', instanceId: 'i-0123456789abcdef0', region: 'eu-west-1', instanceType: 't3.micro' }, null, 2);
// Base64 with line breaks, as IMDS serves it.
export const FAKE_SIGNATURE = 'dGVzdC1zaWduYXR1cmUtYnl0ZXMtMDEyMzQ1Njc4OWFiY2RlZg==\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=';
const TOKEN = 'fake-imds-token';

export interface FakeImdsOptions {
  /** v2: token required; v1: the token PUT answers `putStatus` and GETs need none; hang-put: the PUT never answers. */
  mode?: 'v2' | 'v1' | 'hang-put';
  putStatus?: number;
  document?: string;
  signature?: string;
}

export interface FakeImds {
  url: string;
  requests: { method: string; path: string; token?: string; ttl?: string }[];
  close(): Promise<void>;
}

export async function startFakeImds(o: FakeImdsOptions = {}): Promise<FakeImds> {
  const requests: FakeImds['requests'] = [];
  const mode = o.mode ?? 'v2';
  const server = http.createServer((req, res) => {
    const token = req.headers['x-aws-ec2-metadata-token'] as string | undefined;
    requests.push({ method: req.method ?? '', path: req.url ?? '', token, ttl: req.headers['x-aws-ec2-metadata-token-ttl-seconds'] as string | undefined });
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (mode === 'hang-put') return; // a container past the hop limit: connected, never answered
      if (mode === 'v1') return void res.writeHead(o.putStatus ?? 403).end();
      return void res.end(TOKEN);
    }
    if (mode === 'v2' && token !== TOKEN) return void res.writeHead(401).end();
    if (req.url === '/latest/dynamic/instance-identity/document') return void res.end(o.document ?? FAKE_DOCUMENT);
    if (req.url === '/latest/dynamic/instance-identity/signature') return void res.end(o.signature ?? FAKE_SIGNATURE);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A pass-through in front of the control plane that keeps every PollForTask body (headers, Host included, go through
 * unchanged, so the SigV4 signature still matches and the real server validates the call).
 */
export interface PollRecorder {
  url: string;
  polls: Record<string, unknown>[];
  /** HTTP statuses the server answered the polls with. */
  statuses: number[];
  close(): Promise<void>;
}

export async function startPollRecorder(target: string): Promise<PollRecorder> {
  const polls: Record<string, unknown>[] = [];
  const statuses: number[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isPoll = String(req.headers['x-amz-target'] ?? '').endsWith('.PollForTask');
      if (isPoll) polls.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        if (isPoll) statuses.push(r.statusCode ?? 0);
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    polls,
    statuses,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
