/**
 * Server-side encryption of what the agent writes, from the output data node's `s3EncryptionType`
 * (taskrunner.md 3.8): SERVER_SIDE_ENCRYPTION (the default) -> SSE-S3 (AES256); NONE -> no header.
 * Our extension (docs/s3.md): SERVER_SIDE_ENCRYPTION_KMS -> SSE-KMS, with the node's optional `kmsKeyId`
 * (a key id, ARN or alias; absent = the account's default aws/s3 key).
 */
import { TaskFailure } from '../executors/executor.js';
import type { ObjectView } from '../objects.js';

export type SseMode = 'AES256' | 'aws:kms' | 'none';

export interface SseChoice {
  sse: SseMode;
  kmsKeyId?: string;
}

/** SSE for writes to `node` (an S3DataNode, or any object carrying the fields); undefined node = the default. */
export function sseFromNode(node: ObjectView | undefined): SseChoice {
  const raw = node?.value('s3EncryptionType')?.trim();
  const kmsKeyId = node?.value('kmsKeyId')?.trim() || undefined;
  const v = (raw ?? '').toUpperCase();
  if (v === '' || v === 'SERVER_SIDE_ENCRYPTION') {
    if (kmsKeyId) return { sse: 'aws:kms', kmsKeyId }; // a key given says what the user wants
    return { sse: 'AES256' };
  }
  if (v === 'NONE') return { sse: 'none' };
  if (v === 'SERVER_SIDE_ENCRYPTION_KMS' || v === 'SSE_KMS') return { sse: 'aws:kms', kmsKeyId };
  throw new TaskFailure(
    'InvalidS3EncryptionType',
    `${node?.id ?? '?'}.s3EncryptionType: ${JSON.stringify(raw)} is not SERVER_SIDE_ENCRYPTION, SERVER_SIDE_ENCRYPTION_KMS or NONE`,
  );
}

/** SDK write parameters for a choice. */
export function sseParams(o: SseChoice): { ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string } {
  if (o.sse === 'none') return {};
  if (o.sse === 'aws:kms') return { ServerSideEncryption: 'aws:kms', ...(o.kmsKeyId ? { SSEKMSKeyId: o.kmsKeyId } : {}) };
  return { ServerSideEncryption: 'AES256' };
}
