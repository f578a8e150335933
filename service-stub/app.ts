/** Assembles a running control plane: store, scheduler ticker, dispatcher and HTTP server. */
import type { AddressInfo } from 'node:net';
import { Dispatcher } from './dispatch/dispatcher.js';
import type { ClaimedTask } from './dispatch/claim.js';
import { releaseTask } from './dispatch/claim.js';
import type { Clock } from './core/clock.js';
import { systemClock } from './core/clock.js';
import type { KeyMap } from './core/keys.js';
import type { Limits } from './core/limits.js';
import { AWS_LIMITS } from './core/limits.js';
import type { Logger } from './core/logger.js';
import { createLogger } from './core/logger.js';
import type { Services } from './core/services.js';
import { makeServices } from './core/services.js';
import { createHttpServer } from './http/server.js';
import { SigV4Verifier } from './http/sigv4.js';
import { Throttle } from './http/throttle.js';
import { tick } from './scheduler/tick.js';
import { WAKE_CHANNEL } from './store/db.js';
import { openStore } from './store/open.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  databaseUrl?: string;
  /** Embedded store in memory (tests). */
  inMemory?: boolean;
  keys: KeyMap;
  pollWaitMs?: number;
  limits?: Partial<Limits>;
  region?: string;
  clock?: Clock;
  /** How often time-based transitions run; 0 = never by itself (tests call tick()). */
  tickMs?: number;
  logger?: Logger;
  accountId?: string;
  /** Called once per answered request with the operation, HTTP status and error code (tests count calls). */
  onRequest?(operation: string, status: number, errorCode: string | undefined): void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  /** Run time-based transitions now (timeouts, retry delays); returns how many attempts changed. */
  tick(): Promise<number>;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.logger ?? createLogger();
  const db = await openStore({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, inMemory: opts.inMemory });
  const clock = opts.clock ?? systemClock;
  const limits: Limits = { ...AWS_LIMITS, ...opts.limits };
  // `services` is referenced by the dispatcher's release callback, which only runs after assembly.
  // eslint-disable-next-line prefer-const
  let services: Services;
  const dispatcher = new Dispatcher<ClaimedTask>(
    (task) => services.runTx((tx) => releaseTask(tx, task)),
    (err) => log.error(`dispatch failed: ${(err as Error).message}`),
  );
  services = makeServices({
    db,
    clock,
    limits,
    log,
    dispatcher: dispatcher as Dispatcher,
    accountId: opts.accountId ?? '000000000000',
    region: opts.region ?? 'us-east-1',
    pollWaitMs: opts.pollWaitMs ?? 90_000,
  });
  const unlisten = await db.listen(WAKE_CHANNEL, (group) => dispatcher.wake(group));

  const keys = opts.keys;
  const verifier = new SigV4Verifier((id) => (Object.hasOwn(keys, id) ? keys[id] : undefined), () => Date.now());
  const shutdown = new AbortController();
  const server = createHttpServer({
    services,
    verifier,
    shutdown: shutdown.signal,
    throttle: limits.throttle ? new Throttle(limits.throttle) : undefined,
    onRequest: opts.onRequest,
  });
  server.keepAliveTimeout = 95_000; // longer than a held poll, so pollers reuse their connection
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Node's default accept backlog (511) overflows when a fleet of runners (re)connects at once, and each dropped
    // SYN costs its runner a 1-3 s retransmit; the kernel still caps this at net.core.somaxconn.
    server.listen({ port: opts.port ?? 8188, host: opts.host ?? '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';

  let ticking: Promise<number> | undefined;
  const runTick = () => {
    // One tick at a time per process; replicas coordinate through row locks.
    ticking ??= tick(services).finally(() => (ticking = undefined));
    return ticking;
  };
  const tickMs = opts.tickMs ?? 1000;
  const timer = tickMs > 0 ? setInterval(() => runTick().catch((e) => log.error(`tick failed: ${(e as Error).message}`)), tickMs) : undefined;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    services,
    tick: runTick,
    close() {
      closed ??= (async () => {
        if (timer) clearInterval(timer);
        shutdown.abort();
        dispatcher.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await ticking?.catch(() => {});
        await unlisten();
        await db.close();
      })();
      return closed;
    },
  };
}
