import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigError, HelpRequested, parseArgs, usage } from '../../../agent/config.js';
import type { AgentConfig, ConfigErrorCode } from '../../../agent/config.js';

const CWD = '/srv/taskrunner';
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): AgentConfig => parseArgs(argv, env, { cwd: CWD });

function fails(argv: string[], code: ConfigErrorCode, ...mentions: string[]): ConfigError {
  try {
    parse(argv);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok(e.message.includes(m), `'${e.message}' should mention '${m}'`);
    return e;
  }
  assert.fail(`${argv.join(' ')} should fail with ${code}`);
}

/** Every jar option and extension with a value and what it must produce. */
const ALL: [string, string, (c: AgentConfig) => unknown, unknown][] = [
  ['workerGroup', 'wg-Prod', (c) => c.workerGroup, 'wg-Prod'],
  ['accessId', 'AKIDOPT', (c) => c.credentials?.accessKeyId, 'AKIDOPT'],
  ['secretKey', 'opt-secret', (c) => c.credentials?.secretAccessKey, 'opt-secret'],
  ['endpoint', 'http://127.0.0.1:8080', (c) => [c.endpoint, c.endpointSource], ['http://127.0.0.1:8080', 'option']],
  ['taskrunnerId', 'runner-7', (c) => [c.taskrunnerId, c.taskrunnerIdGiven], ['runner-7', true]],
  ['output', 'out/dir', (c) => c.outputDir, join(CWD, 'out/dir')],
  ['tasks', '5', (c) => c.tasks, 5],
  ['region', 'eu-west-1', (c) => c.region, 'eu-west-1'],
  ['logUri', 's3://bucket/logs/', (c) => c.logUri, 's3://bucket/logs/'],
  ['proxyHost', 'proxy.corp', (c) => c.proxy?.host, 'proxy.corp'],
  ['proxyPort', '3128', (c) => c.proxy?.port, 3128],
  ['proxyUsername', 'alice', (c) => c.proxy?.username, 'alice'],
  ['proxyPassword', 'pw-123', (c) => c.proxy?.password, 'pw-123'],
  ['proxyDomain', 'CORP', (c) => c.warnings.some((w) => w.includes('--proxyDomain')), true],
  ['proxyWorkstation', 'WS1', (c) => c.warnings.some((w) => w.includes('--proxyWorkstation')), true],
  ['jdbcDriverS3Path', 's3://datapipeline-us-east-1/us-east-1/software/latest/TaskRunner/', (c) => c.jdbcDriverS3Path, 's3://datapipeline-us-east-1/us-east-1/software/latest/TaskRunner/'],
  ['s3NoProxy', 'true', (c) => c.s3NoProxy, true],
  ['shutdownTimeout', '30', (c) => c.shutdownTimeoutMs, 30_000],
  ['progressInterval', '0.5', (c) => c.progressIntervalMs, 500],
  ['heartbeatInterval', '120', (c) => c.heartbeatIntervalMs, 120_000],
  ['pollTimeout', '95', (c) => c.pollTimeoutMs, 95_000],
  ['killGrace', '0', (c) => c.killGraceMs, 0],
];

describe('agent config: parseArgs', () => {
  it('applies the jar defaults and ours with only --workerGroup', () => {
    const c = parse(['--workerGroup=wg']);
    assert.equal(c.workerGroup, 'wg');
    assert.equal(c.tasks, 2);
    assert.equal(c.region, 'us-east-1');
    assert.equal(c.endpoint, 'https://datapipeline.us-east-1.amazonaws.com');
    assert.equal(c.endpointSource, 'region');
    assert.equal(c.outputDir, '/srv/taskrunner/output');
    assert.equal(c.logUri, undefined);
    assert.equal(c.credentials, undefined);
    assert.equal(c.proxy, undefined);
    assert.equal(c.s3NoProxy, false);
    assert.deepEqual(
      [c.shutdownTimeoutMs, c.progressIntervalMs, c.heartbeatIntervalMs, c.pollTimeoutMs, c.killGraceMs],
      [300_000, 60_000, 900_000, 100_000, 10_000],
    );
    assert.equal(c.taskrunnerIdGiven, false);
    assert.match(c.taskrunnerId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(c.warnings, []);
  });

  it('takes every option as --opt=value and as --opt value, with the same result', () => {
    const eqForm = parse(ALL.map(([n, v]) => `--${n}=${v}`));
    const spaceForm = parse(ALL.flatMap(([n, v]) => [`--${n}`, v]));
    assert.deepEqual(spaceForm, eqForm);
    for (const [name, , get, want] of ALL) assert.deepEqual(get(eqForm), want, `--${name}`);
  });

  it('each option alone changes only its own setting', () => {
    const base = parse(['--workerGroup=wg', '--taskrunnerId=r']);
    for (const [name, value, get, want] of ALL) {
      if (['workerGroup', 'accessId', 'secretKey', 'proxyPort', 'proxyUsername', 'proxyPassword'].includes(name)) continue;
      const c = parse(['--workerGroup=wg', '--taskrunnerId=r', `--${name}`, value]);
      assert.deepEqual(get(c), want, `--${name}`);
      assert.notDeepEqual(get(base), want, `--${name} default differs`);
    }
  });

  it('accepts the case variants --accessID and --taskRunnerId, and no others', () => {
    const c = parse(['--workerGroup=wg', '--accessID', 'AKID2', '--secretKey=s3cr3t', '--taskRunnerId=tr-1']);
    assert.equal(c.credentials?.accessKeyId, 'AKID2');
    assert.equal(c.taskrunnerId, 'tr-1');
    fails(['--workerGroup=wg', '--taskrunnerid=x'], 'UNKNOWN_OPTION', '--taskrunnerid', 'did you mean --taskrunnerId', '--help');
    fails(['--workergroup=wg'], 'UNKNOWN_OPTION', 'did you mean --workerGroup');
  });

  it('requires --workerGroup', () => {
    fails(['--tasks=3'], 'MISSING_REQUIRED', '--workerGroup');
    fails([], 'MISSING_REQUIRED', '--workerGroup');
  });

  it('rejects malformed values, naming the option and the value', () => {
    const wg = '--workerGroup=wg';
    fails([wg, '--tasks=abc'], 'INVALID_VALUE', '--tasks', 'abc');
    fails([wg, '--tasks', '0'], 'INVALID_VALUE', '--tasks', "'0'");
    fails([wg, '--tasks=1.5'], 'INVALID_VALUE', '--tasks', '1.5');
    fails([wg, '--proxyHost=p', '--proxyPort', 'x'], 'INVALID_VALUE', '--proxyPort', "'x'");
    fails([wg, '--proxyHost=p', '--proxyPort=70000'], 'INVALID_VALUE', '--proxyPort', '70000');
    fails([wg, '--region=US-EAST-1'], 'INVALID_VALUE', '--region', 'US-EAST-1');
    fails([wg, '--logUri=http://bucket/x'], 'INVALID_VALUE', '--logUri', 'http://bucket/x');
    fails([wg, '--jdbcDriverS3Path=/tmp/drivers'], 'INVALID_VALUE', '--jdbcDriverS3Path');
    fails([wg, '--endpoint=ftp://host'], 'INVALID_VALUE', '--endpoint', 'ftp://host');
    fails([wg, '--s3NoProxy=maybe'], 'INVALID_VALUE', '--s3NoProxy', 'maybe');
    fails([wg, '--pollTimeout=0'], 'INVALID_VALUE', '--pollTimeout', "'0'");
    fails([wg, '--killGrace=-1'], 'INVALID_VALUE', '--killGrace', '-1');
    fails([wg, '--heartbeatInterval=1e3'], 'INVALID_VALUE', '--heartbeatInterval');
  });

  it('reports a missing or empty value, and never echoes a secret', () => {
    fails(['--workerGroup'], 'MISSING_VALUE', '--workerGroup');
    fails(['--workerGroup', '--tasks', '3'], 'MISSING_VALUE', '--workerGroup');
    fails(['--workerGroup=wg', '--secretKey='], 'MISSING_VALUE', '--secretKey');
    const e = fails(['--workerGroup=wg', '--secretKey=very-secret-value'], 'INCOMPLETE_CREDENTIALS', '--secretKey', '--accessId');
    assert.ok(!e.message.includes('very-secret-value'));
    fails(['--workerGroup=wg', '--accessId=AKID'], 'INCOMPLETE_CREDENTIALS', '--accessId');
  });

  it('rejects unknown options and stray words with a usage hint', () => {
    fails(['--workerGroup=wg', '--pipelineId=df-1'], 'UNKNOWN_OPTION', '--pipelineId', 'taskrunner --help');
    fails(['--workerGroup=wg', 'extra'], 'UNEXPECTED_ARGUMENT', "'extra'", '--help');
    fails(['--workerGroup=wg', '-t', '3'], 'UNEXPECTED_ARGUMENT', "'-t'");
  });

  it('treats the EMR installer sentinels --logUri=none and --proxyPort=-1 as unset', () => {
    const c = parse(['--workerGroup=wg', '--logUri=none', '--proxyPort=-1']);
    assert.equal(c.logUri, undefined);
    assert.equal(c.proxy, undefined);
    const d = parse(['--workerGroup=wg', '--proxyHost', 'proxy', '--proxyPort', '-1', '--logUri', 'NONE']);
    assert.deepEqual(d.proxy, { host: 'proxy', port: 80, username: undefined, password: undefined });
    assert.equal(d.logUri, undefined);
  });

  it('parses --s3NoProxy bare, with a boolean word, or with =', () => {
    assert.equal(parse(['--s3NoProxy', '--workerGroup=wg']).s3NoProxy, true);
    assert.equal(parse(['--workerGroup=wg', '--s3NoProxy']).s3NoProxy, true);
    assert.equal(parse(['--workerGroup=wg', '--s3NoProxy', 'FALSE']).s3NoProxy, false);
    assert.equal(parse(['--workerGroup=wg', '--s3NoProxy=false']).s3NoProxy, false);
  });

  it('checks the proxy options belong together and accepts a URL-style --proxyHost', () => {
    fails(['--workerGroup=wg', '--proxyPort=3128'], 'INCOMPLETE_PROXY', '--proxyPort', '--proxyHost');
    fails(['--workerGroup=wg', '--proxyUsername=u'], 'INCOMPLETE_PROXY', '--proxyUsername');
    fails(['--workerGroup=wg', '--proxyHost=p', '--proxyPassword=pw'], 'INCOMPLETE_PROXY', '--proxyUsername');
    assert.deepEqual(parse(['--workerGroup=wg', '--proxyHost=http://proxy.corp:3128/']).proxy, {
      host: 'proxy.corp',
      port: 3128,
      username: undefined,
      password: undefined,
    });
    fails(['--workerGroup=wg', '--proxyHost=socks5://p:1080'], 'INVALID_VALUE', '--proxyHost');
  });

  it('reads the proxy environment, lowercase winning over uppercase', () => {
    const c = parse(['--workerGroup=wg'], { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'http://h:3', NO_PROXY: 'a.com', no_proxy: '' });
    assert.deepEqual(c.envProxy, { httpsProxy: 'http://lower:2', httpProxy: 'http://h:3', noProxy: 'a.com' });
  });

  it('resolves --output against the working directory, with ~ as $HOME', () => {
    assert.equal(parse(['--workerGroup=wg', '--output=/var/tr/']).outputDir, '/var/tr');
    assert.equal(parse(['--workerGroup=wg', '--output', '~/tr-out'], { HOME: '/home/tr' }).outputDir, '/home/tr/tr-out');
  });

  it('endpoint without a scheme is https; the region endpoint follows --region', () => {
    assert.equal(parse(['--workerGroup=wg', '--endpoint=datapipeline.eu-west-1.amazonaws.com']).endpoint, 'https://datapipeline.eu-west-1.amazonaws.com');
    assert.equal(parse(['--workerGroup=wg', '--region=ap-southeast-2']).endpoint, 'https://datapipeline.ap-southeast-2.amazonaws.com');
  });

  it('warns when --pollTimeout does not exceed the 90 s hold of the real service', () => {
    assert.ok(parse(['--workerGroup=wg', '--pollTimeout=60']).warnings.some((w) => w.includes('--pollTimeout')));
    assert.deepEqual(parse(['--workerGroup=wg', '--pollTimeout=5', '--endpoint=http://127.0.0.1:1']).warnings, []);
  });

  it('--help wins over everything else and lists every option, extensions marked', () => {
    assert.throws(() => parse(['--bogus', '--help']), HelpRequested);
    let text = '';
    try {
      parse(['--help']);
    } catch (e) {
      text = (e as HelpRequested).text;
    }
    assert.equal(text, usage());
    const names = [...ALL.map(([n]) => n), 'help', 'config', 'accessID', 'taskRunnerId'];
    for (const n of names) assert.ok(text.includes(`--${n}`), `help lists --${n}`);
    for (const n of ['shutdownTimeout', 'progressInterval', 'heartbeatInterval', 'pollTimeout', 'killGrace']) {
      assert.match(text, new RegExp(`--${n}=SECONDS\\n\\s+\\[extension\\]`));
    }
    assert.equal((text.match(/\[extension\]/g) ?? []).length, 5);
  });
});
