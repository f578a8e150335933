/** Tag rules shared by CreatePipeline, AddTags and RemoveTags: at most 10 per pipeline, keys unique. */
import { InvalidRequestException } from '../../protocol/errors.js';
import type { Tag } from '../../protocol/shapes.js';

export function mergeTags(current: Tag[], added: Tag[], max: number, pipelineId: string): Tag[] {
  const byKey = new Map(current.map((t) => [t.key as string, t]));
  for (const t of added) byKey.set(t.key as string, { key: t.key, value: t.value });
  if (byKey.size > max) {
    throw new InvalidRequestException(`Pipeline ${pipelineId} would have ${byKey.size} tags; the limit is ${max}`);
  }
  return [...byKey.values()];
}
