import { randomBytes } from 'node:crypto';
import { s, shapes } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { Tag } from '../../protocol/shapes.js';
import { defineOperation } from './operation.js';
import { mergeTags } from './tags.js';

interface In {
  name: string;
  uniqueId: string;
  description?: string;
  tags?: Tag[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** `df-` + 20 upper-case alphanumerics, like `df-06372391ZG65EXAMPLE`. */
export function newPipelineId(): string {
  const bytes = randomBytes(20);
  let id = 'df-';
  for (const b of bytes) id += ALNUM[b % ALNUM.length];
  return id;
}

export const createPipeline = defineOperation<In, { pipelineId: string }>({
  name: 'CreatePipeline',
  input: s.struct(
    { name: s.id, uniqueId: s.id, description: s.string, tags: s.list(shapes.tag, 10) },
    ['name', 'uniqueId'],
  ),
  async run({ services }, input) {
    return services.runTx(async (tx) => {
      // Idempotent on name + uniqueId within the account (api.md 4.3).
      await tx.q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`create:${services.accountId}`]);
      const existing = await tx.q.query<{ pipeline_id: string }>(
        'SELECT pipeline_id FROM pipelines WHERE account_id = $1 AND name = $2 AND unique_id = $3 AND deleted_at IS NULL',
        [services.accountId, input.name, input.uniqueId],
      );
      if (existing[0]) return { pipelineId: existing[0].pipeline_id };
      const count = await tx.q.query<{ n: string }>(
        'SELECT count(*) AS n FROM pipelines WHERE account_id = $1 AND deleted_at IS NULL',
        [services.accountId],
      );
      if (Number(count[0].n) >= services.limits.maxPipelines) {
        throw new InvalidRequestException(
          `Limit exceeded: this account already has ${count[0].n} pipelines (limit ${services.limits.maxPipelines}); delete one or start the server with a higher --max-pipelines`,
        );
      }
      const pipelineId = newPipelineId();
      const tags = mergeTags([], input.tags ?? [], services.limits.maxTags, pipelineId);
      await tx.q.query(
        `INSERT INTO pipelines (pipeline_id, account_id, name, unique_id, description, tags, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [pipelineId, services.accountId, input.name, input.uniqueId, input.description ?? null, JSON.stringify(tags), new Date(tx.now)],
      );
      services.log.info(`pipeline ${pipelineId} created (${input.name})`);
      return { pipelineId };
    });
  },
});
