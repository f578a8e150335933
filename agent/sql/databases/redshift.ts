/**
 * RedshiftDatabase: exactly one of connectionString (a jdbc:redshift: or jdbc:postgresql: URL) and clusterId,
 * resolved through Redshift DescribeClusters (@aws-sdk/client-redshift, loaded only then) to endpoint and port.
 */
import { InvalidDatabase, SqlFailure } from '../errors.js';
import { toConnectOptions } from '../jdbc-url.js';
import { fromConnectionString } from './jdbc.js';
import { awsClientConfig, lookupFailed } from './aws.js';
import { credentialFields } from './kind.js';
import type { DatabaseKind } from './kind.js';

export const redshiftDatabase: DatabaseKind = {
  types: ['RedshiftDatabase'],
  async resolve(db, ctx) {
    const url = db.value('connectionString')?.trim();
    const id = db.value('clusterId')?.trim();
    if (url && id) throw new InvalidDatabase(`Object ${db.id} (RedshiftDatabase) has both clusterId and connectionString; give exactly one`);
    if (url) {
      const o = fromConnectionString(db, ctx);
      return o.engine === 'postgres' ? { ...o, engine: 'redshift' } : o;
    }
    if (!id) throw new InvalidDatabase(`Object ${db.id} (RedshiftDatabase) has neither clusterId nor connectionString`);
    const { RedshiftClient, DescribeClustersCommand } = await import('@aws-sdk/client-redshift');
    const client = new RedshiftClient(awsClientConfig(db, ctx.resources));
    let cluster;
    try {
      const r = await client.send(new DescribeClustersCommand({ ClusterIdentifier: id }), { abortSignal: ctx.signal });
      cluster = r.Clusters?.[0];
    } catch (err) {
      throw lookupFailed(db, `Redshift cluster ${id}`, err);
    } finally {
      client.destroy();
    }
    const host = cluster?.Endpoint?.Address;
    if (!cluster || !host) throw new SqlFailure('DatabaseLookupFailed', `Object ${db.id}: Redshift cluster ${id} has no endpoint yet (status ${cluster?.ClusterStatus ?? 'unknown'})`);
    const port = cluster.Endpoint?.Port ?? 5439;
    const f = credentialFields(db);
    ctx.log.info(`${db.id}: Redshift cluster ${id} is at ${host}:${port}`);
    return toConnectOptions({ engine: 'redshift', scheme: 'redshift', host, port, database: f.databaseName?.trim() || cluster.DBName || undefined, params: [], otherHosts: [] }, f, ctx.warn);
  },
};
