/** Access keys: `--keys FILE` ({"<accessKeyId>": "<secretAccessKey>"}), or a pair generated once into the data dir. */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type KeyMap = Readonly<Record<string, string>>;

export class KeysFileError extends Error {
  readonly code = 'KEYS_FILE_INVALID';
}

export function readKeysFile(path: string): KeyMap {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KeysFileError(`--keys ${path}: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new KeysFileError(`--keys ${path}: expected a JSON object {"<accessKeyId>": "<secretAccessKey>", ...}`);
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (!entries.length) throw new KeysFileError(`--keys ${path}: no keys in the file`);
  for (const [k, s] of entries) {
    if (typeof s !== 'string' || !s) throw new KeysFileError(`--keys ${path}: the secret of key '${k}' must be a non-empty string`);
  }
  return v as KeyMap;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The generated pair of this data dir: created on first start with mode 0600, reused afterwards. */
export function ensureGeneratedKeys(dataDir: string): { path: string; keys: KeyMap; accessKeyId: string; created: boolean } {
  const path = join(dataDir, 'keys.json');
  if (existsSync(path)) {
    const keys = readKeysFile(path);
    return { path, keys, accessKeyId: Object.keys(keys)[0], created: false };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // owner only, as in store/pglite.ts
  let id = 'AKID';
  for (const b of randomBytes(16)) id += ALNUM[b % ALNUM.length];
  const secret = randomBytes(30).toString('base64');
  writeFileSync(path, JSON.stringify({ [id]: secret }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return { path, keys: { [id]: secret }, accessKeyId: id, created: true };
}
