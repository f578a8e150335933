/** The AgentResources executors get: credentials, region, proxy, environment, and lazily made shared clients. */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AgentResources } from './executors/executor.js';

export interface OwnedResources extends AgentResources {
  /** Close every shared client that was made (agent stop). */
  close(): Promise<void>;
}

export function createResources(o: {
  credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  region: string;
  s3Proxy?: { url: string; display: string };
  env: NodeJS.ProcessEnv;
}): OwnedResources {
  const made = new Map<string, { value: Promise<unknown>; close?: (v: unknown) => void | Promise<void> }>();
  return {
    credentials: o.credentials,
    region: o.region,
    s3Proxy: o.s3Proxy,
    env: o.env,
    shared<T>(key: string, make: () => Promise<T> | T, close?: (v: T) => void | Promise<void>): Promise<T> {
      let m = made.get(key);
      if (!m) {
        const value = Promise.resolve().then(make);
        // A failed construction is not cached: the next task tries again.
        value.catch(() => made.delete(key));
        m = { value, close: close as ((v: unknown) => void | Promise<void>) | undefined };
        made.set(key, m);
      }
      return m.value as Promise<T>;
    },
    async close() {
      for (const [key, m] of made) {
        made.delete(key);
        try {
          const v = await m.value;
          await m.close?.(v);
        } catch {
          // a client that never came up has nothing to close
        }
      }
    },
  };
}
