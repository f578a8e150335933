/** Raw HTTP for the fuzz tests: SigV4-signed JSON 1.1 calls built by hand, and unsigned garbage. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_KEY } from '../../support/server.js';

const signer = new SignatureV4({
  service: 'datapipeline',
  region: 'us-east-1',
  credentials: TEST_KEY,
  sha256: Hash.bind(null, 'sha256'),
});

export interface WireResponse {
  status: number;
  body: string;
}

/** One signed call. The body goes out byte for byte as signed, so the server sees exactly what the fuzzer made. */
export async function signedCall(url: string, target: string, body: string | Uint8Array): Promise<WireResponse> {
  const u = new URL(url);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const req = new HttpRequest({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: bytes,
  });
  const signed = await signer.sign(req);
  const { host: _host, ...headers } = signed.headers;
  const res = await fetch(url, { method: 'POST', headers, body: bytes });
  return { status: res.status, body: await res.text() };
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** Anything node:http can send (any method, no header rules); `fetch` refuses several of these. */
export function rawCall(url: string, r: RawRequest): Promise<WireResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: Number(u.port), method: r.method, path: r.path, headers: r.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** The server's contract for any request: 200, or a 4xx carrying the AWS JSON error shape; never a 5xx. */
export function assertWellFormed(res: WireResponse, what: string, opts: { bodyless?: boolean } = {}): void {
  const show = `${what} -> ${res.status} ${res.body.slice(0, 300)}`;
  assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), show);
  if (opts.bodyless) return;
  if (res.status === 200) {
    if (res.body !== '') assert.equal(typeof JSON.parse(res.body), 'object', show);
    return;
  }
  const err = JSON.parse(res.body) as { __type?: unknown; message?: unknown };
  assert.equal(typeof err.__type, 'string', show);
  assert.equal(typeof err.message, 'string', show);
}

/** A valid call that must still work: the server survived whatever came before. */
export async function assertAlive(url: string): Promise<void> {
  const res = await signedCall(url, 'DataPipeline.ListPipelines', '{}');
  assert.equal(res.status, 200, `server no longer answers ListPipelines: ${res.status} ${res.body.slice(0, 300)}`);
}
