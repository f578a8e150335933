/** S3PrefixNotEmpty (taskrunner.md 3.7): at least one key starts with `s3Prefix` -> FINISHED, else FALSE. */
import { checkS3 } from '../s3/check.js';
import type { Executor } from './executor.js';

export const s3PrefixNotEmpty: Executor = {
  types: ['S3PrefixNotEmpty'],
  execute: (ctx) => checkS3(ctx, ctx.task.attempt, 's3Prefix', 'prefix'),
};
