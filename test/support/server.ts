/** Test harness: the real server in-process on an in-memory PGlite or a fresh PostgreSQL database, and SDK clients. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { startServer } from '../../service-stub/app.js';
import type { RunningServer, ServerOptions } from '../../service-stub/app.js';
import { ManualClock } from '../../service-stub/core/clock.js';
import { createLogger } from '../../service-stub/core/logger.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const TEST_KEY = { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-key' };
export const PG_ADMIN_URL = process.env.DATAPIPE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type StoreKind = 'pglite' | 'postgres';

export interface TestServer extends RunningServer {
  clock: ManualClock;
  client(opts?: { secret?: string; accessKeyId?: string }): DataPipelineClient;
  databaseUrl?: string;
}

/** A fresh, empty PostgreSQL database; dropped by the returned function. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dp_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestServer(
  store: StoreKind = 'pglite',
  opts: Partial<ServerOptions> & { databaseUrl?: string } = {},
): Promise<TestServer> {
  const clock = (opts.clock as ManualClock | undefined) ?? new ManualClock(Date.now());
  let dropDb: (() => Promise<void>) | undefined;
  let databaseUrl = opts.databaseUrl;
  if (store === 'postgres' && !databaseUrl) {
    const db = await freshPostgresDatabase();
    databaseUrl = db.url;
    dropDb = db.drop;
  }
  const server = await startServer({
    port: 0,
    inMemory: store === 'pglite' && !opts.dataDir,
    keys: { [TEST_KEY.accessKeyId]: TEST_KEY.secretAccessKey },
    pollWaitMs: 200,
    tickMs: 0,
    logger: createLogger('error', !process.env.DATAPIPE_TEST_LOG),
    ...opts,
    databaseUrl,
    clock,
    limits: { relaxed: true, ...opts.limits },
  });
  const clients: DataPipelineClient[] = [];
  return {
    ...server,
    tick: server.tick,
    clock,
    databaseUrl,
    client(o = {}) {
      const c = new DataPipelineClient({
        endpoint: server.url,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials: { accessKeyId: o.accessKeyId ?? TEST_KEY.accessKeyId, secretAccessKey: o.secret ?? TEST_KEY.secretAccessKey },
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      await dropDb?.();
    },
  };
}

/** A CLI-format definition file ({objects: [...]}) turned into API PipelineObjects, as the AWS CLI does. */
export function toPipelineObjects(objects: Record<string, unknown>[]): { id: string; name: string; fields: { key: string; stringValue?: string; refValue?: string }[] }[] {
  return objects.map((o) => {
    const { id, name, ...rest } = o as { id: string; name?: string } & Record<string, unknown>;
    const fields: { key: string; stringValue?: string; refValue?: string }[] = [];
    for (const key of Object.keys(rest).sort()) {
      const v = rest[key];
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item && typeof item === 'object' && 'ref' in item) fields.push({ key, refValue: (item as { ref: string }).ref });
        else fields.push({ key, stringValue: item as string });
      }
    }
    return { id, name: name ?? id, fields };
  });
}
