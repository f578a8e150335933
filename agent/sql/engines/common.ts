/** Helpers the engine modules share: abort wiring and error text without secrets. */
import { readFileSync } from 'node:fs';
import { SqlConnectFailed, SqlFailure } from '../errors.js';
import type { ConnectTarget } from '../errors.js';
import type { ConnectOptions } from '../options.js';

export function targetOf(o: ConnectOptions): ConnectTarget {
  return { objectId: o.objectId, engine: o.engine, host: o.host, port: o.port, database: o.database, user: o.user };
}

export function canceled(signal: AbortSignal): SqlFailure {
  const r: unknown = signal.reason;
  return new SqlFailure('SqlCanceled', `The statement was canceled: ${r instanceof Error ? r.message : String(r ?? 'aborted')}`);
}

/** An error's message with the password cut out, should a driver ever echo it. */
export function safeMessage(err: unknown, password: string | undefined): string {
  const m = err instanceof Error ? err.message || err.name : String(err);
  // Very short passwords are not masked: masking "p" everywhere would garble the message (as logs/redact.ts).
  return password && password.length >= 4 ? m.split(password).join('***') : m;
}

/** Network errors that mean "could not reach the server", with a readable reason. */
export function networkReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  const texts: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running and listening on that port?)',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ECONNRESET: 'connection reset by the server',
  };
  return typeof code === 'string' ? texts[code] : undefined;
}

/**
 * Runs `connect` with a connect timeout and the abort signal: on either, `destroy` tears the half-open
 * connection down and the promise rejects with SqlConnectFailed (timeout) or SqlCanceled (abort).
 */
export async function connectGuarded<T>(o: ConnectOptions, signal: AbortSignal, connect: () => Promise<T>, destroy: () => void): Promise<T> {
  if (signal.aborted) throw canceled(signal);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      destroy();
      reject(new SqlConnectFailed(targetOf(o), `no connection within the connect timeout of ${o.connectTimeoutMs / 1000} s`));
    }, o.connectTimeoutMs);
    onAbort = () => {
      destroy();
      reject(canceled(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([connect(), guard]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    guard.catch(() => {});
  }
}

/** The CA bundle of `caFile`, read when TLS verification needs it. */
export function readCa(o: ConnectOptions): string | undefined {
  if (!o.caFile) return undefined;
  try {
    return readFileSync(o.caFile, 'utf8');
  } catch (err) {
    throw new SqlConnectFailed(targetOf(o), `cannot read the CA file ${o.caFile}: ${(err as Error).message}`);
  }
}

/** Node TLS options for a TlsMode; undefined for no TLS. */
export function tlsOptions(o: ConnectOptions, fallback: 'off' | 'on' | 'verify' = 'off'): { rejectUnauthorized: boolean; ca?: string; servername?: string } | undefined {
  const mode = o.tls ?? fallback;
  if (mode === 'off') return undefined;
  return { rejectUnauthorized: mode === 'verify', ...(mode === 'verify' && o.caFile ? { ca: readCa(o) } : {}) };
}
