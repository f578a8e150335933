import { s } from '../../protocol/codec.js';
import type { TaskObject } from '../../protocol/shapes.js';
import type { ClaimedTask } from '../dispatch/claim.js';
import { claimTask } from '../dispatch/claim.js';
import { defineOperation } from './operation.js';

interface In {
  workerGroup: string;
  hostname?: string;
  instanceIdentity?: { document?: string; signature?: string };
}

/**
 * Long-poll (api.md 5.1): a waiting task of the worker group (exact, case-sensitive) goes to exactly one poller at
 * once; otherwise the request is held up to --poll-wait and answered `{}`.
 */
export const pollForTask = defineOperation<In, { taskObject?: TaskObject }>({
  name: 'PollForTask',
  input: s.struct(
    { workerGroup: s.string, hostname: s.id, instanceIdentity: s.struct({ document: s.string, signature: s.string }) },
    ['workerGroup'],
  ),
  async run({ services, signal }, input) {
    const claim = () => claimTask(services, input.workerGroup, input.hostname);
    const task = (await services.dispatcher.wait(input.workerGroup, claim, services.pollWaitMs, signal)) as ClaimedTask | undefined;
    return task ? { taskObject: task.taskObject } : {};
  },
});
