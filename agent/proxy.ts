/**
 * Which HTTP proxy a request to a given endpoint goes through, and the Node agents that use it. Sources, in
 * order: the --proxy* options, else the environment (`https_proxy`/`HTTPS_PROXY` for https endpoints,
 * `http_proxy`/`HTTP_PROXY` for http ones, lowercase winning). `no_proxy`/`NO_PROXY` is honoured for both
 * sources, so an internal endpoint can bypass a proxy set for the whole host. https endpoints are tunnelled
 * with CONNECT (https-proxy-agent); http endpoints are sent in absolute form (http-proxy-agent).
 * The proxy password is only ever in `ProxySettings.url`, which is never logged; use `display`.
 */
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { AgentConfig } from './config.js';

export type ProxyConfig = Pick<AgentConfig, 'proxy' | 'envProxy' | 's3NoProxy'>;

export interface ProxySettings {
  /** `http://user:password@host:port`: for the agents only, never for logs. */
  url: string;
  /** The same with the password masked. */
  display: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
  source: 'options' | 'https_proxy' | 'http_proxy';
}

export interface ProxyAgents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  destroy(): void;
}

/** The proxy for requests to `target` (the Data Pipeline endpoint, or any other), or undefined for a direct connection. */
export function proxyFor(config: ProxyConfig, target: string | URL): ProxySettings | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  if (bypassProxy(config.envProxy.noProxy, url)) return undefined;
  const p = config.proxy;
  if (p) return settings(p.host, p.port, p.username, p.password, 'http:', 'options');
  const fromEnv = url.protocol === 'https:' ? config.envProxy.httpsProxy : config.envProxy.httpProxy;
  if (!fromEnv) return undefined;
  return parseProxyUrl(fromEnv, url.protocol === 'https:' ? 'https_proxy' : 'http_proxy');
}

/** The proxy for S3 requests: none with --s3NoProxy, else as for any endpoint. */
export function proxyForS3(config: ProxyConfig, s3Endpoint: string | URL): ProxySettings | undefined {
  return config.s3NoProxy ? undefined : proxyFor(config, s3Endpoint);
}

/**
 * Keep-alive agents for the SDK's NodeHttpHandler (`httpAgent`/`httpsAgent`): through `proxy` when given, direct
 * otherwise. The caller destroys them (the SDK does not destroy agents it was handed).
 */
export function createProxyAgents(proxy: ProxySettings | undefined, opts: { maxSockets?: number; keepAlive?: boolean } = {}): ProxyAgents {
  const agentOpts = { keepAlive: opts.keepAlive ?? true, maxSockets: opts.maxSockets ?? 50 };
  const httpAgent = proxy ? new HttpProxyAgent(proxy.url, agentOpts) : new http.Agent(agentOpts);
  // agent-base's Agent is an http.Agent that also serves https requests; the handler duck-types agents.
  const httpsAgent = (proxy ? new HttpsProxyAgent(proxy.url, agentOpts) : new https.Agent(agentOpts)) as https.Agent;
  return {
    httpAgent,
    httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** A proxy URL from the environment: `http://[user:pass@]host[:port]`, or a bare `host:port` (taken as http). */
export function parseProxyUrl(value: string, source: ProxySettings['source']): ProxySettings {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new Error(`${source}: not a proxy URL (expected http://host:port)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${source}: only http:// and https:// proxies are supported, not ${u.protocol}`);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const dec = (s: string): string | undefined => (s === '' ? undefined : decodeURIComponent(s));
  return settings(u.hostname, port, dec(u.username), dec(u.password), u.protocol, source);
}

function settings(host: string, port: number, username: string | undefined, password: string | undefined, protocol: string, source: ProxySettings['source']): ProxySettings {
  const u = new URL(`${protocol}//placeholder`);
  u.hostname = isIP(host) === 6 ? `[${host}]` : host; // a bare IPv6 address would be ignored by the setter
  u.port = String(port);
  if (username !== undefined) u.username = username; // the setter percent-encodes; the agents decode
  if (password !== undefined) u.password = password;
  const display = new URL(u.href);
  if (password !== undefined) display.password = '***';
  // URL drops a default port (80 for http:); keep it visible and explicit.
  const withPort = (s: URL): string => `${s.protocol}//${s.username ? `${s.username}${s.password ? `:${s.password}` : ''}@` : ''}${s.hostname}:${port}`;
  return { url: withPort(u), display: withPort(display), host, port, username, password, source };
}

/**
 * Whether `no_proxy` exempts `target`. Entries are comma or space separated: `*` (everything), a host name
 * (which also matches its subdomains; a leading `.` or `*.` is allowed), an IP address, an IPv4/IPv6 CIDR block,
 * each optionally with `:port`.
 */
export function bypassProxy(noProxy: string | undefined, target: URL): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let eHost = entry;
    let ePort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const hostPort = /^([^:]+)(?::(\d+))?$/.exec(entry);
    if (bracketed) [, eHost, ePort] = bracketed;
    else if (hostPort) [, eHost, ePort] = hostPort;
    if (ePort !== undefined && ePort !== port) continue;
    if (eHost.includes('/')) {
      if (inCidr(host, eHost)) return true;
      continue;
    }
    eHost = eHost.replace(/^\*?\./, '');
    if (host === eHost || (!isIP(host) && host.endsWith(`.${eHost}`))) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const family = isIP(net);
  const hostFamily = isIP(host);
  const bits = Number(bitsText);
  if (!family || family !== hostFamily || !Number.isInteger(bits)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(net, bits, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
