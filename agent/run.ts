/**
 * `taskrunner` with the jar's options: wires the configuration to the runner log, the Data Pipeline client and
 * the Agent, and turns SIGTERM / SIGINT into a drain (a second signal stops running work at once).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from './config.js';
import { Agent } from './agent.js';
import { exposedGc } from './idle-gc.js';
import { createDataPipelineClient, clientProxy, resolveCredentials } from './client.js';
import { executorFor } from './executors/registry.js';
import { attemptPaths } from './logs/attempt-paths.js';
import { createRedactor, startupSecrets } from './logs/redact.js';
import { createRunnerLogger } from './logs/runner-log.js';
import { startRunnerLogUpload } from './logs/upload.js';
import { sdkServiceApi } from './service-api.js';
import { identityLogLine, startInstanceIdentity } from './instance-identity.js';
import { createResources } from './resources.js';
import { proxyForS3 } from './proxy.js';
import type { AgentResources } from './executors/executor.js';

export async function runAgent(config: AgentConfig, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const redactor = createRedactor(startupSecrets(config, env));
  const runnerLog = createRunnerLogger({
    outputDir: config.outputDir,
    workerGroup: config.workerGroup,
    redactor,
    journald: Boolean(env.JOURNAL_STREAM),
    level: env.TASKRUNNER_LOG_LEVEL ?? 'info',
  });
  const log = runnerLog.logger.child({ logger: 'amazonaws.datapipeline.taskrunner.TaskRunner' });
  log.info(`Logging to ${join(config.outputDir, 'logs')}`);
  for (const w of config.warnings) log.warn(w);
  const proxy = clientProxy(config);
  log.info(
    `worker group ${config.workerGroup}, ${config.tasks} task slot(s), endpoint ${config.endpoint}` +
      `${proxy ? ` via proxy ${proxy.display}` : ''}, credentials from ${config.credentials?.source ?? 'the AWS default chain'}, runner id ${config.taskrunnerId}`,
  );

  const credentials = resolveCredentials(config);
  const client = createDataPipelineClient(config, credentials);
  const s3Proxy = config.s3NoProxy ? undefined : proxyForS3(config, env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? `https://s3.${config.region}.amazonaws.com`);
  const resources = createResources({
    credentials: credentials as AgentResources['credentials'],
    region: config.region,
    s3Proxy: s3Proxy ? { url: s3Proxy.url, display: s3Proxy.display } : undefined,
    env,
  });
  // --logUri: rotated runner logs pushed every hour, the rest at shutdown (logs/upload.ts); S3 is touched only then.
  const logPush = config.logUri
    ? startRunnerLogUpload({ logUri: config.logUri, logDir: join(config.outputDir, 'logs'), taskrunnerId: config.taskrunnerId, resources, log })
    : undefined;
  if (config.logUri) log.info(`runner logs are pushed to ${config.logUri} every hour and at exit`);
  // Read now, in parallel with the rest of start-up; the first poll waits for it (at most the IMDS timeouts).
  let lastIdentity = '';
  const identity = startInstanceIdentity({
    env,
    onResult: (r) => {
      // Once, and again only if a background re-read (every 6 h) changes the answer.
      const line = identityLogLine(r);
      if (!line || line.text === lastIdentity) return;
      lastIdentity = line.text;
      log.log(line.level, line.text);
    },
  });
  const api = sdkServiceApi(client, {
    workerGroup: config.workerGroup,
    hostname: hostname(),
    taskrunnerId: config.taskrunnerId,
    pollTimeoutMs: config.pollTimeoutMs,
    instanceIdentity: () => identity.get(),
  });
  const agent = new Agent(
    {
      tasks: config.tasks,
      outputDir: config.outputDir,
      progressIntervalMs: config.progressIntervalMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      killGraceMs: config.killGraceMs,
      backoff: { baseMs: envMs(env.TASKRUNNER_BACKOFF_BASE_MS, 1000), maxMs: envMs(env.TASKRUNNER_BACKOFF_MAX_MS, 60_000) },
      minPollIntervalMs: envMs(env.TASKRUNNER_MIN_POLL_INTERVAL_MS, 1000),
      flushTimeoutMs: 10_000,
      idleGcCheckMs: envMs(env.TASKRUNNER_IDLE_GC_MS, 30_000),
    },
    {
      api,
      resources,
      log,
      slotLog: (slot) => runnerLog.logger.child({ slot, logger: 'amazonaws.datapipeline.taskrunner.TaskPoller' }),
      executorFor,
      paths: (task) => attemptPaths(config.outputDir, task),
      env,
      gc: exposedGc(),
    },
  );

  const stopped = new Promise<void>((resolve) => agent.on('state', (s) => s === 'stopped' && resolve()));
  const onSignal = (sig: NodeJS.Signals) => void agent.stop(`${sig} received`);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await agent.start();
  await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  client.destroy();
  log.info('task runner stopped');
  if (logPush) {
    await logPush.stop();
    await resources.close(); // the agent closed its clients already; this closes the one the final push made
  }
  await runnerLog.close();
  return 0;
}

/**
 * Undocumented knobs for the API retry backoff (tests shrink it so a simulated outage heals in a second) and the
 * shortest time between empty polls (the idle benchmark shrinks it to make 10,000 empty polls in seconds);
 * anything but a positive number means the default.
 */
function envMs(v: string | undefined, def: number): number {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : def;
}
