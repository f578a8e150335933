import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseArgs } from '../../../agent/config.js';
import type { AgentConfig, ConfigErrorCode } from '../../../agent/config.js';

describe('agent config: credentials.json (--config)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tr-creds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: string): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): AgentConfig => parseArgs(['--workerGroup=wg', ...argv], env, { cwd: dir });
  const fails = (argv: string[], code: ConfigErrorCode, ...mentions: string[]): string => {
    try {
      parse(argv);
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.code, code, e.message);
      for (const m of mentions) assert.ok(e.message.includes(m), `'${e.message}' should mention '${m}'`);
      return e.message;
    }
    assert.fail(`should fail with ${code}`);
  };

  it('reads access-id and private-key, ignoring unknown keys', () => {
    const p = file('good.json', JSON.stringify({ 'access-id': 'AKIDFILE', 'private-key': 'file-secret', 'key-pair': 'kp', 'key-pair-file': '/x.pem', extra: { a: 1 } }));
    const c = parse([`--config=${p}`]);
    assert.deepEqual(c.credentials, { accessKeyId: 'AKIDFILE', secretAccessKey: 'file-secret', source: 'config-file' });
    assert.equal(c.configFile, p);
    assert.equal(c.region, 'us-east-1');
  });

  it('resolves a relative --config against the working directory, and ~ against $HOME', () => {
    file('rel.json', JSON.stringify({ 'access-id': 'A1', 'private-key': 'S1' }));
    assert.equal(parse(['--config', 'rel.json']).credentials?.accessKeyId, 'A1');
    assert.equal(parse(['--config', '~/rel.json'], { HOME: dir }).credentials?.accessKeyId, 'A1');
  });

  it('uses region, endpoint and log-uri from the file only when the options do not give them', () => {
    const p = file('fallback.json', JSON.stringify({ 'access-id': 'A', 'private-key': 'S', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9999', 'log-uri': 's3://file-bucket/logs' }));
    const c = parse([`--config=${p}`]);
    assert.deepEqual([c.region, c.endpoint, c.endpointSource, c.logUri], ['eu-west-1', 'http://127.0.0.1:9999', 'config-file', 's3://file-bucket/logs']);
    const d = parse([`--config=${p}`, '--region=us-west-2', '--endpoint=http://127.0.0.1:1', '--logUri=s3://opt/x']);
    assert.deepEqual([d.region, d.endpoint, d.endpointSource, d.logUri], ['us-west-2', 'http://127.0.0.1:1', 'option', 's3://opt/x']);
    const r = file('region-only.json', JSON.stringify({ 'access-id': 'A', 'private-key': 'S', region: 'ap-northeast-1' }));
    assert.equal(parse([`--config=${r}`]).endpoint, 'https://datapipeline.ap-northeast-1.amazonaws.com');
  });

  it('lets --accessId/--secretKey win over the file', () => {
    const p = file('both.json', JSON.stringify({ 'access-id': 'AKIDFILE', 'private-key': 'file-secret' }));
    assert.deepEqual(parse([`--config=${p}`, '--accessId=AKIDOPT', '--secretKey=opt-secret']).credentials, {
      accessKeyId: 'AKIDOPT',
      secretAccessKey: 'opt-secret',
      source: 'options',
    });
  });

  it('names the file when it is missing', () => {
    fails([`--config=${join(dir, 'nope.json')}`], 'CONFIG_FILE_MISSING', 'nope.json', 'ENOENT');
  });

  it('names the file on bad JSON without quoting its content', () => {
    const p = file('bad.json', '{"access-id": "AKIDX", "private-key": "leaky-secret-value" ');
    const msg = fails([`--config=${p}`], 'CONFIG_FILE_INVALID', 'bad.json', 'not valid JSON');
    assert.ok(!msg.includes('leaky-secret-value'), msg);
    const q = file('bad2.json', '{"private-key": leaky-secret-value}');
    assert.ok(!fails([`--config=${q}`], 'CONFIG_FILE_INVALID', 'bad2.json').includes('leaky'));
    fails([`--config=${file('array.json', '[]')}`], 'CONFIG_FILE_INVALID', 'array.json', 'JSON object');
  });

  it('names the missing keys', () => {
    fails([`--config=${file('nokey.json', JSON.stringify({ 'access-id': 'A' }))}`], 'CONFIG_FILE_KEYS', 'nokey.json', '"private-key"');
    fails([`--config=${file('empty.json', '{}')}`], 'CONFIG_FILE_KEYS', '"access-id" and "private-key"');
    const msg = fails([`--config=${file('num.json', JSON.stringify({ 'access-id': 'A', 'private-key': 12345678 }))}`], 'CONFIG_FILE_KEYS', '"private-key"', 'string');
    assert.ok(!msg.includes('12345678'));
  });

  it('validates fallback values, naming the file and key', () => {
    const p = file('badregion.json', JSON.stringify({ 'access-id': 'A', 'private-key': 'S', region: 'Mars' }));
    fails([`--config=${p}`], 'INVALID_VALUE', 'badregion.json', '"region"', 'Mars');
    const q = file('badlog.json', JSON.stringify({ 'access-id': 'A', 'private-key': 'S', 'log-uri': 'gs://x' }));
    fails([`--config=${q}`], 'INVALID_VALUE', '"log-uri"', 'gs://x');
  });
});
