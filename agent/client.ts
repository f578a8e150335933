/**
 * The Data Pipeline SDK client as the agent needs it: one attempt per call (the agent owns retries; the SDK's
 * own 3 attempts on top of ours would stretch a 100 s poll to minutes), keep-alive sockets, a request timeout
 * that really throws (the SDK only warns unless `throwOnRequestTimeout`), and the proxy when one applies.
 */
import { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import type {
  $Command,
  DataPipelineClientConfig,
  DataPipelineClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes,
} from '@aws-sdk/client-data-pipeline';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import type { AgentConfig } from './config.js';
import { createProxyAgents, proxyFor } from './proxy.js';
import type { ProxyAgents, ProxySettings } from './proxy.js';

/** Static keys or a provider, as the SDK client takes them. */
export type Credentials = NonNullable<DataPipelineClientConfig['credentials']>;

/**
 * --accessId/--secretKey, else credentials.json, else the AWS default chain: environment (including
 * AWS_SESSION_TOKEN), shared config/credentials profile, SSO, web identity, ECS/EKS container credentials,
 * EC2 instance profile (IMDSv2, 1 s timeout, no retries so an on-premises host does not hang).
 */
export function resolveCredentials(config: Pick<AgentConfig, 'credentials'>, chain: () => Credentials = () => fromNodeProviderChain()): Credentials {
  const c = config.credentials;
  return c ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } : chain();
}

export type ClientConfig = Pick<AgentConfig, 'endpoint' | 'region' | 'pollTimeoutMs' | 'tasks' | 'proxy' | 'envProxy' | 's3NoProxy' | 'credentials'>;

/** A NodeHttpHandler that also destroys the agents it was handed (the SDK leaves external agents alone). */
class OwnedAgentsHandler extends NodeHttpHandler {
  constructor(
    options: NodeHttpHandlerOptions,
    private readonly agents: ProxyAgents,
  ) {
    super(options);
  }
  override destroy(): void {
    super.destroy();
    this.agents.destroy();
  }
}

/** The proxy the client uses for `config.endpoint`, if any (for a start-up log line: use `.display`). */
export function clientProxy(config: ClientConfig): ProxySettings | undefined {
  return proxyFor(config, config.endpoint);
}

export function createDataPipelineClient(config: ClientConfig, credentials: Credentials = resolveCredentials(config)): DataPipelineClient {
  // One poll per slot plus progress reports and the heartbeat, with room to spare.
  const agents = createProxyAgents(clientProxy(config), { maxSockets: Math.max(50, config.tasks * 3 + 4) });
  return new DataPipelineClient({
    endpoint: config.endpoint,
    region: config.region,
    credentials,
    maxAttempts: 1,
    requestHandler: new OwnedAgentsHandler(
      {
        httpAgent: agents.httpAgent,
        httpsAgent: agents.httpsAgent,
        requestTimeout: config.pollTimeoutMs,
        throwOnRequestTimeout: true,
        connectionTimeout: 10_000,
      },
      agents,
    ),
  });
}

/** Thrown by callWithTimeout when its own limit (not the outer signal) ended the call. */
export class CallTimeoutError extends Error {
  constructor(readonly operation: string, readonly timeoutMs: number) {
    super(`${operation} did not complete within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

/**
 * `client.send(command)` aborted after `timeoutMs` or when `outerSignal` aborts, whichever is first. A timeout
 * surfaces as CallTimeoutError; an outer abort as the SDK's AbortError.
 */
export async function callWithTimeout<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
  client: DataPipelineClient,
  command: $Command<I, O, DataPipelineClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes>,
  timeoutMs: number,
  outerSignal?: AbortSignal,
): Promise<O> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = outerSignal ? AbortSignal.any([timeout, outerSignal]) : timeout;
  try {
    return await client.send(command, { abortSignal: signal });
  } catch (e) {
    if (timeout.aborted && !outerSignal?.aborted) throw new CallTimeoutError(command.constructor.name.replace(/Command$/, ''), timeoutMs);
    throw e;
  }
}
