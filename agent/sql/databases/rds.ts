/**
 * RdsDatabase: rdsInstanceId resolved through RDS DescribeDBInstances (in `region`, else the agent's) to the
 * endpoint, port and engine; a connectionString on the object is used as it is. @aws-sdk/client-rds is loaded only
 * when an id has to be resolved.
 */
import type { EngineKind } from '../options.js';
import { InvalidDatabase, SqlFailure, UnsupportedDatabase } from '../errors.js';
import { toConnectOptions } from '../jdbc-url.js';
import { fromConnectionString } from './jdbc.js';
import { awsClientConfig, lookupFailed } from './aws.js';
import { credentialFields } from './kind.js';
import type { DatabaseKind } from './kind.js';

/** RDS engine names to ours; Oracle and anything else is unsupported. */
export function rdsEngine(engine: string): EngineKind | undefined {
  const e = engine.toLowerCase();
  if (e === 'mysql' || e === 'mariadb' || e === 'aurora' || e === 'aurora-mysql') return 'mysql';
  if (e === 'postgres' || e === 'aurora-postgresql') return 'postgres';
  if (e.startsWith('sqlserver')) return 'sqlserver';
  return undefined;
}

export const rdsDatabase: DatabaseKind = {
  types: ['RdsDatabase'],
  async resolve(db, ctx) {
    if (db.value('connectionString')) return fromConnectionString(db, ctx);
    const id = db.value('rdsInstanceId')?.trim();
    if (!id) throw new InvalidDatabase(`Object ${db.id} (RdsDatabase) has neither rdsInstanceId nor connectionString`);
    const { RDSClient, DescribeDBInstancesCommand } = await import('@aws-sdk/client-rds');
    const client = new RDSClient(awsClientConfig(db, ctx.resources));
    let found;
    try {
      const r = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: ctx.signal });
      found = r.DBInstances?.[0];
    } catch (err) {
      throw lookupFailed(db, `RDS instance ${id}`, err);
    } finally {
      client.destroy();
    }
    const host = found?.Endpoint?.Address;
    if (!found || !host) throw new SqlFailure('DatabaseLookupFailed', `Object ${db.id}: RDS instance ${id} has no endpoint yet (status ${found?.DBInstanceStatus ?? 'unknown'})`);
    const engine = rdsEngine(found.Engine ?? '');
    if (!engine) throw new UnsupportedDatabase(`Object ${db.id}: RDS instance ${id} runs ${found.Engine ?? 'an unknown engine'}, which this Task Runner has no driver for`);
    const port = found.Endpoint?.Port ?? { mysql: 3306, postgres: 5432, redshift: 5439, sqlserver: 1433 }[engine];
    const f = credentialFields(db);
    const o = toConnectOptions({ engine, scheme: `rds:${found.Engine}`, host, port, database: f.databaseName?.trim() || found.DBName || undefined, params: [], otherHosts: [] }, f, ctx.warn);
    ctx.log.info(`${db.id}: RDS instance ${id} is ${found.Engine} at ${host}:${port}`);
    return o;
  },
};
