/**
 * Masks secrets before anything reaches a log: known secret values (the secret key, session token, proxy
 * password, a task's `*password` values) wherever they appear, including their base64, URI and JSON-escaped
 * forms (the GitHub runner's SecretMasker lesson), plus values that look secret by shape: `Authorization:`
 * headers, `password=...`-style pairs, URL user-info passwords, SigV4 signatures, and Data Pipeline fields
 * whose key starts with `*`.
 */
import type { AgentConfig } from '../config.js';

export const MASK = '***';

/** Shorter secrets are not masked inside text: masking "ab" everywhere would garble every line. */
const MIN_SECRET_LENGTH = 4;

/** Key names whose values are secret. A leading `*` is Data Pipeline's marker for a secret field. */
const SECRET_KEY = /^\*|passw(or)?d|secret|token|private-?key|authorization|signature/i;

const PATTERNS: readonly [RegExp, string][] = [
  // Authorization / Proxy-Authorization header values, to the end of the line or the closing quote.
  [/\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)[^"'\r\n]+/gi, `$1$2${MASK}`],
  // name=value / "name": "value" where the name looks secret (password, *password, secretKey, session_token...).
  [
    /((?:^|[\s"'{,;&?(-])\*?[\w.-]*(?:passw(?:or)?d|secret|token|private-key|privatekey)[\w.-]*["']?\s*[:=]\s*["']?)(?!\*\*\*)[^"'\s,;&})]+/gi,
    `$1${MASK}`,
  ],
  // Data Pipeline fields serialized as JSON: {"key":"*password","stringValue":"..."}.
  [/("key"\s*:\s*"\*[^"]*"\s*,\s*"stringValue"\s*:\s*")(?:[^"\\]|\\.)*"/g, `$1${MASK}"`],
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${MASK}@`],
  // SigV4 signatures (header and presigned-URL forms).
  [/\b((?:X-Amz-)?Signature=)[0-9a-f]{16,}/gi, `$1${MASK}`],
];

export interface Redactor {
  /** The text with every known secret and secret-looking value masked. */
  redact(text: string): string;
  /** A copy of `value` with secret fields masked and strings redacted; the secret values it masks are learnt. */
  redactValue(value: unknown): unknown;
  /** Mask this value wherever it appears from now on (e.g. each `*password` value of a task). */
  addSecret(secret: string | undefined): void;
}

export function createRedactor(secrets: Iterable<string | undefined> = []): Redactor {
  const known = new Set<string>();
  let ordered: string[] = [];

  const addSecret = (secret: string | undefined): void => {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || known.has(secret)) return;
    const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
    for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) known.add(f);
    // Longest first, so a secret that contains another is masked whole.
    ordered = [...known].sort((a, b) => b.length - a.length);
  };

  const redact = (text: string): string => {
    let out = text;
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join(MASK);
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
    return out;
  };

  const redactValue = (value: unknown, seen = new WeakSet<object>(), depth = 0): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[Circular]';
    if (depth > 8) return '[…]';
    seen.add(value);
    if (value instanceof Error) {
      const e = new Error(redact(value.message));
      e.name = value.name;
      e.stack = value.stack === undefined ? undefined : redact(value.stack);
      return e;
    }
    if (Array.isArray(value)) return value.map((v) => redactValue(v, seen, depth + 1));
    const obj = value as Record<string, unknown>;
    // A Data Pipeline field: {key: '*password', stringValue: '...'}.
    if (typeof obj.key === 'string' && SECRET_KEY.test(obj.key) && typeof obj.stringValue === 'string') {
      addSecret(obj.stringValue);
      return { ...obj, stringValue: MASK };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (SECRET_KEY.test(k) && typeof v === 'string') {
        addSecret(v);
        out[k] = MASK;
      } else out[k] = redactValue(v, seen, depth + 1);
    }
    return out;
  };

  for (const s of secrets) addSecret(s);
  return { redact, redactValue: (v) => redactValue(v), addSecret };
}

/** The secrets the agent knows at start: from the options, credentials.json and the environment. */
export function startupSecrets(config: Pick<AgentConfig, 'credentials' | 'proxy' | 'envProxy'>, env: NodeJS.ProcessEnv): string[] {
  const fromUrl = (u: string | undefined): string | undefined => {
    if (!u) return undefined;
    try {
      const p = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `http://${u}`).password;
      return p ? decodeURIComponent(p) : undefined;
    } catch {
      return undefined;
    }
  };
  return [
    config.credentials?.secretAccessKey,
    config.proxy?.password,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    fromUrl(config.envProxy.httpProxy),
    fromUrl(config.envProxy.httpsProxy),
  ].filter((s): s is string => typeof s === 'string' && s !== '');
}
