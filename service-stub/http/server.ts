/**
 * HTTP -> auth -> codec -> operation. Every failure becomes the AWS JSON error shape; only a fault of ours is a 500
 * (InternalServiceError, with a JSON body so SDKs read it and retry).
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { parseBody, validateInput } from '../../protocol/codec.js';
import {
  InternalServiceError,
  RequestEntityTooLargeException,
  SerializationException,
  ServiceError,
  UnknownOperationException,
} from '../../protocol/errors.js';
import type { OperationName } from '../../protocol/shapes.js';
import { OPERATION_REGISTRY } from '../api/registry.js';
import type { Services } from '../core/services.js';
import type { SigV4Verifier } from './sigv4.js';
import type { Throttle } from './throttle.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface HttpServerDeps {
  services: Services;
  verifier: SigV4Verifier;
  /** Aborted on shutdown: held polls answer at once. */
  shutdown: AbortSignal;
  /** Token buckets per operation; absent = no throttling. */
  throttle?: Throttle;
  /** Called once per answered request (tests count calls and errors). */
  onRequest?(operation: string, status: number, errorCode: string | undefined): void;
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      reject(new RequestEntityTooLargeException(`Request body of ${declared} bytes exceeds the limit of ${max}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new RequestEntityTooLargeException(`Request body exceeds the limit of ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, requestId: string, body: string, closing: boolean): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(body),
    // Shutting down: end the keep-alive connection with this answer. server.close() only closes connections idle
    // at the time it is called, so a connection whose held poll answers afterwards would keep the process alive.
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(body);
}

export function createHttpServer(deps: HttpServerDeps): http.Server {
  const { services, verifier, shutdown } = deps;
  const log = services.log;
  // Every request in flight listens for shutdown: hundreds of held polls are normal, not a listener leak
  // (Node warns past 10 otherwise).
  setMaxListeners(Infinity, shutdown);
  return http.createServer((req, res) => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    let opName = '-';
    const done = (status: number, body: string, err?: ServiceError) => {
      send(res, status, requestId, body, shutdown.aborted);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (log.isDebugEnabled()) log.debug(`${opName} ${status}${err ? ' ' + err.code : ''} ${ms.toFixed(1)}ms`, { requestId });
      deps.onRequest?.(opName, status, err?.code);
    };
    void (async () => {
      try {
        if (req.method !== 'POST') throw new UnknownOperationException(`Only POST is supported, not ${req.method}`);
        const body = await readBody(req, services.limits.maxBodyBytes);
        const target = String(req.headers['x-amz-target'] ?? '');
        // Lenient like the Developer Guide's errata: `DataPipeline_20121129.X` also names operation X.
        opName = target.slice(target.lastIndexOf('.') + 1);
        const op = OPERATION_REGISTRY.get(opName as OperationName);
        if (!target.startsWith('DataPipeline') || !op) {
          throw new UnknownOperationException(`Unknown operation '${target}'`);
        }
        const caller = await verifier.verify({ method: req.method, path: req.url ?? '/', headers: req.headers, body });
        // After authentication (AWS answers bad keys before throttling), before any work; one account per server.
        deps.throttle?.take(services.accountId, opName);
        const input = validateInput(op.input, parseBody(body));
        const ac = new AbortController();
        const abort = () => ac.abort();
        res.on('close', abort);
        shutdown.addEventListener('abort', abort, { once: true });
        try {
          const out = await op.run({ services, caller, requestId, signal: ac.signal }, input);
          done(200, out === undefined ? '' : JSON.stringify(out));
        } finally {
          res.off('close', abort);
          shutdown.removeEventListener('abort', abort);
        }
      } catch (err) {
        if (err instanceof ServiceError) return done(err.status, JSON.stringify(err), err);
        if (err instanceof SyntaxError) {
          const e = new SerializationException(err.message);
          return done(e.status, JSON.stringify(e), e);
        }
        log.error(`${opName} failed: ${(err as Error).stack ?? String(err)}`, { requestId });
        const e = new InternalServiceError(`Internal error (request ${requestId}); the server log has details`);
        done(e.status, JSON.stringify(e), e);
      }
    })();
  });
}
