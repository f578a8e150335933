/**
 * Builds the S3Client from the agent's resources: the Data Pipeline client's credentials and region (as the jar
 * does), the S3 proxy, and the AWS SDK's endpoint conventions read from `resources.env`:
 *   AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: a custom endpoint (MinIO, s3rver, ...);
 *   path-style addressing for an IP-address or `localhost` endpoint, or when AWS_S3_FORCE_PATH_STYLE=true.
 * The SDK is imported dynamically: an agent that never touches S3 never loads it.
 */
import { isIP } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AgentResources } from '../executors/executor.js';
import { createProxyAgents, parseProxyUrl } from '../proxy.js';

export interface S3Endpoint {
  /** undefined: the SDK's regional AWS endpoint. */
  endpoint?: string;
  forcePathStyle: boolean;
}

export function s3Endpoint(env: NodeJS.ProcessEnv): S3Endpoint {
  const raw = (env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? '').trim();
  const forced = (env.AWS_S3_FORCE_PATH_STYLE ?? '').trim().toLowerCase() === 'true';
  if (raw === '') return { forcePathStyle: forced };
  let host = '';
  try {
    host = new URL(raw).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    throw new Error(`AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL ${JSON.stringify(raw)} is not a URL`);
  }
  // Virtual-host addressing needs DNS for <bucket>.<host>, which an IP address or localhost never has.
  const local = isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost');
  return { endpoint: raw, forcePathStyle: forced || local };
}

export interface MadeClient {
  client: S3Client;
  destroy(): void;
}

/** Sockets per client: an upload sends 4 parts at once per transfer, and several transfers may run together. */
const MAX_SOCKETS = 64;

export async function makeS3Client(resources: AgentResources): Promise<MadeClient> {
  const [{ S3Client: Client }, { NodeHttpHandler }] = await Promise.all([import('@aws-sdk/client-s3'), import('@smithy/node-http-handler')]);
  const ep = s3Endpoint(resources.env);
  const proxy = resources.s3Proxy ? parseProxyUrl(resources.s3Proxy.url, 'http_proxy') : undefined;
  const agents = createProxyAgents(proxy, { maxSockets: MAX_SOCKETS });
  const client = new Client({
    region: resources.region,
    credentials: resources.credentials,
    ...(ep.endpoint ? { endpoint: ep.endpoint } : {}),
    forcePathStyle: ep.forcePathStyle,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ httpAgent: agents.httpAgent, httpsAgent: agents.httpsAgent, connectionTimeout: 30_000 }),
  });
  return {
    client,
    destroy() {
      client.destroy();
      agents.destroy();
    },
  };
}
