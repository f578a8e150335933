/** ReportTaskRunnerHeartbeat at start and every interval; `terminate: true` asks the agent to drain and exit. */
import type { Logger } from 'winston';
import type { ServiceApi } from './service-api.js';

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly api: ServiceApi,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly onTerminate: () => void,
    private readonly signal: AbortSignal,
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async beat(): Promise<void> {
    try {
      const r = await this.api.reportTaskRunnerHeartbeat(this.signal);
      if (this.failing) this.log.info('runner heartbeat reconnected');
      this.failing = false;
      if (r.terminate) {
        this.log.info('the service asked this runner to terminate (heartbeat terminate: true); draining');
        this.onTerminate();
      }
    } catch (err) {
      if (this.signal.aborted) return;
      if (!this.failing) this.log.warn(`runner heartbeat failed: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}
