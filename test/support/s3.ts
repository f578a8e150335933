/**
 * Test harness: s3rver in-process on 127.0.0.1 (port 0, a temp directory), behind a small recording HTTP proxy
 * so tests can check what went over the wire (SSE headers, UploadPart requests) and cut a response halfway
 * (the S3 server going away). The agent's endpoint is the proxy; the helpers talk to s3rver directly, so
 * `requests` holds only the agent's traffic.
 * s3rver accepts only the access key id S3RVER and checks no signature (toolchain.md 2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { CreateBucketCommand, GetObjectCommand, ListObjectsCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { createResources } from '../../agent/resources.js';
import type { OwnedResources } from '../../agent/resources.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. `/bucket/key?partNumber=1&uploadId=...`. */
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestS3 {
  /** The agent-facing endpoint (the recording proxy). */
  endpoint: string;
  /** s3rver itself. */
  directEndpoint: string;
  env: { AWS_ENDPOINT_URL_S3: string; AWS_S3_FORCE_PATH_STYLE: string };
  credentials: typeof S3RVER_CREDENTIALS;
  /** Every request that came through the proxy, in order. */
  requests: RecordedRequest[];
  /** Resources for an in-process agent: S3RVER credentials, this endpoint, plus `env`. */
  resources(env?: NodeJS.ProcessEnv): OwnedResources;
  createBucket(name: string): Promise<void>;
  putObject(bucket: string, key: string, body: string | Buffer): Promise<void>;
  getObject(bucket: string, key: string): Promise<Buffer>;
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** The next GET response with a body is cut (socket destroyed) after `bytes` body bytes. */
  cutNextDownloadAfter(bytes: number): void;
  /**
   * Listings (ListObjects) have `from` replaced by `to` in their XML until `clear` is called: how a test gets
   * keys s3rver cannot store (it normalises `a/../b` to `b`; real S3 keeps such keys verbatim).
   */
  rewriteListings(from: string, to: string): { clear(): void };
  /**
   * While on, the proxy answers UploadPartCopy itself (a ranged GET of the source and an UploadPart to
   * s3rver), which s3rver lacks: how the multipart server-side copy of objects over 5 GB is tested.
   */
  emulateUploadPartCopy(on: boolean): void;
  close(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'dp-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const directEndpoint = `http://127.0.0.1:${port}`;
  const requests: RecordedRequest[] = [];
  let cutAfter: number | undefined;
  const rewrites = new Set<{ from: string; to: string }>();
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const sockets = new Set<Socket>();

  let partCopy = false;
  const proxy = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (partCopy && req.method === 'PUT' && req.headers['x-amz-copy-source'] && /[?&]uploadId=/.test(req.url ?? '')) {
      req.resume();
      uploadPartCopy(helper, req.url ?? '', req.headers).then(
        (xml) => res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) }).end(xml),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent: upstream }, (ur) => {
      if (req.method === 'GET' && /^\/[^/?]+\/?\?/.test(req.url ?? '') && !/[?&](uploads|uploadId|location)/.test(req.url ?? '') && rewrites.size > 0) {
        const chunks: Buffer[] = [];
        ur.on('data', (c: Buffer) => chunks.push(c));
        ur.on('end', () => {
          let xml = Buffer.concat(chunks).toString('utf8');
          for (const r of rewrites) xml = xml.split(r.from).join(r.to);
          const { 'content-length': _drop, ...headers } = ur.headers;
          res.writeHead(ur.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(xml) });
          res.end(xml);
        });
        return;
      }
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      const cut = req.method === 'GET' && cutAfter !== undefined && Number(ur.headers['content-length'] ?? 0) > cutAfter ? cutAfter : undefined;
      if (cut === undefined) return void ur.pipe(res);
      cutAfter = undefined;
      let sent = 0;
      ur.on('data', (chunk: Buffer) => {
        if (sent >= cut) return;
        const room = cut - sent;
        sent += Math.min(room, chunk.length);
        res.write(chunk.subarray(0, room), () => {
          if (sent >= cut) {
            ur.destroy();
            res.socket?.destroy(); // the server goes away mid-body
          }
        });
      });
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  proxy.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_S3_FORCE_PATH_STYLE: 'true' };
  const helper = new S3Client({ endpoint: directEndpoint, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
  const made: OwnedResources[] = [];

  return {
    endpoint,
    directEndpoint,
    env,
    credentials: S3RVER_CREDENTIALS,
    requests,
    resources(extra = {}) {
      const r = createResources({ credentials: S3RVER_CREDENTIALS, region: 'us-east-1', env: { ...process.env, ...env, ...extra } });
      made.push(r);
      return r;
    },
    async createBucket(name) {
      await helper.send(new CreateBucketCommand({ Bucket: name }));
    },
    async putObject(bucket, key, body) {
      await helper.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));
    },
    async getObject(bucket, key) {
      const r = await helper.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await (r.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    },
    async listKeys(bucket, prefix) {
      // v1 with Marker: s3rver's v2 continuation tokens fail under OpenSSL 3 (see agent/s3/access.ts).
      const keys: string[] = [];
      let marker: string | undefined;
      for (;;) {
        const r = await helper.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }));
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
        marker = r.Contents?.at(-1)?.Key;
        if (!r.IsTruncated || !marker) break;
      }
      return keys.sort();
    },
    cutNextDownloadAfter(bytes) {
      cutAfter = bytes;
    },
    emulateUploadPartCopy(on) {
      partCopy = on;
    },
    rewriteListings(from, to) {
      const r = { from, to };
      rewrites.add(r);
      return { clear: () => rewrites.delete(r) };
    },
    async close() {
      for (const r of made) await r.close();
      helper.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      upstream.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** UploadPartCopy done the long way round for s3rver: read the source range, upload it as the part. */
async function uploadPartCopy(client: S3Client, url: string, headers: http.IncomingHttpHeaders): Promise<string> {
  const u = new URL(url, 'http://proxy');
  const [, bucket, ...key] = u.pathname.split('/');
  const source = decodeURIComponent(String(headers['x-amz-copy-source'])).replace(/^\//, '');
  const slash = source.indexOf('/');
  const got = await client.send(
    new GetObjectCommand({ Bucket: source.slice(0, slash), Key: source.slice(slash + 1), Range: headers['x-amz-copy-source-range'] as string | undefined }),
  );
  const body = Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  const put = await client.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: decodeURIComponent(key.join('/')),
      UploadId: u.searchParams.get('uploadId') ?? '',
      PartNumber: Number(u.searchParams.get('partNumber')),
      Body: body,
      ContentLength: body.length,
    }),
  );
  return `<?xml version="1.0" encoding="UTF-8"?><CopyPartResult><ETag>${put.ETag ?? ''}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`;
}
