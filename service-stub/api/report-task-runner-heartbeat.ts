import { s } from '../../protocol/codec.js';
import { defineOperation } from './operation.js';

interface In {
  taskrunnerId: string;
  workerGroup?: string;
  hostname?: string;
}

/** Records who polls where; `terminate` is set by an operator through the runners table (our console). */
export const reportTaskRunnerHeartbeat = defineOperation<In, { terminate: boolean }>({
  name: 'ReportTaskRunnerHeartbeat',
  input: s.struct({ taskrunnerId: s.id, workerGroup: s.string, hostname: s.id }, ['taskrunnerId']),
  async run({ services }, input) {
    const rows = await services.db.query<{ terminate: boolean }>(
      `INSERT INTO runners (taskrunner_id, worker_group, hostname, last_heartbeat) VALUES ($1, $2, $3, $4)
       ON CONFLICT (taskrunner_id) DO UPDATE SET worker_group = $2, hostname = $3, last_heartbeat = $4
       RETURNING terminate`,
      [input.taskrunnerId, input.workerGroup ?? null, input.hostname ?? null, new Date(services.clock.now())],
    );
    return { terminate: rows[0]?.terminate ?? false };
  },
});
