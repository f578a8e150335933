/** What the RDS and Redshift lookups share: the agent's credentials and region, and readable lookup errors. */
import type { AgentResources } from '../../executors/executor.js';
import type { ObjectView } from '../../objects.js';
import { isSqlFailure, SqlFailure } from '../errors.js';

export function awsClientConfig(db: ObjectView, resources: AgentResources): { region: string; credentials: AgentResources['credentials']; maxAttempts: number } {
  return { region: db.value('region')?.trim() || resources.region, credentials: resources.credentials, maxAttempts: 3 };
}

export function lookupFailed(db: ObjectView, what: string, err: unknown): SqlFailure {
  if (isSqlFailure(err)) return err;
  const e = err as { name?: string; message?: string };
  return new SqlFailure('DatabaseLookupFailed', `Object ${db.id}: looking up ${what} failed: ${e.name ? `${e.name}: ` : ''}${e.message ?? String(err)}`);
}
