/** S3KeyExists (taskrunner.md 3.7): the object named by `s3Key` exists -> FINISHED, else FALSE. */
import { checkS3 } from '../s3/check.js';
import type { Executor } from './executor.js';

export const s3KeyExists: Executor = {
  types: ['S3KeyExists'],
  execute: (ctx) => checkS3(ctx, ctx.task.attempt, 's3Key', 'object'),
};
