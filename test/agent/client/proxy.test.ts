import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ListPipelinesCommand } from '@aws-sdk/client-data-pipeline';
import { parseArgs } from '../../../agent/config.js';
import { clientProxy, createDataPipelineClient } from '../../../agent/client.js';
import { bypassProxy, createProxyAgents, parseProxyUrl, proxyFor, proxyForS3 } from '../../../agent/proxy.js';
import { startTestServer, TEST_KEY } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';

/** A real forward proxy: absolute-form requests are relayed, CONNECT is tunnelled; everything is counted. */
interface TestProxy {
  port: number;
  absolute: string[];
  connects: string[];
  auth: (string | undefined)[];
  close(): Promise<void>;
}

async function startProxy(): Promise<TestProxy> {
  const seen: Omit<TestProxy, 'port' | 'close'> = { absolute: [], connects: [], auth: [] };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.absolute.push(req.url ?? '');
    seen.auth.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.connects.push(req.url ?? '');
    seen.auth.push(req.headers['proxy-authorization']);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    for (const s of [up, client]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    ...seen,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('agent client: proxy', () => {
  let server: TestServer;
  let proxy: TestProxy;
  before(async () => {
    server = await startTestServer('postgres');
  });
  beforeEach(async () => {
    proxy = await startProxy();
  });
  afterEach(async () => proxy.close());
  after(async () => server?.close());

  const keys = [`--accessId=${TEST_KEY.accessKeyId}`, `--secretKey=${TEST_KEY.secretAccessKey}`];

  it('sends http-endpoint calls in absolute form through --proxyHost, with Basic auth', async () => {
    const config = parseArgs(
      ['--workerGroup=wg', `--endpoint=${server.url}`, ...keys, '--proxyHost=127.0.0.1', `--proxyPort=${proxy.port}`, '--proxyUsername=al ice', '--proxyPassword=p@ss:w/rd'],
      {},
    );
    assert.equal(clientProxy(config)?.display, `http://al%20ice:***@127.0.0.1:${proxy.port}`);
    const client = createDataPipelineClient(config);
    try {
      const out = await client.send(new ListPipelinesCommand({}));
      assert.deepEqual(out.pipelineIdList, []);
      await client.send(new ListPipelinesCommand({}));
    } finally {
      client.destroy();
    }
    assert.equal(proxy.absolute.length, 2);
    assert.ok(proxy.absolute.every((u) => u.startsWith(`${server.url}/`)), proxy.absolute.join());
    assert.deepEqual(proxy.auth, [basic('al ice', 'p@ss:w/rd'), basic('al ice', 'p@ss:w/rd')]);
  });

  it('uses http_proxy from the environment, and NO_PROXY bypasses it', async () => {
    const env = { http_proxy: `http://127.0.0.1:${proxy.port}` };
    const via = createDataPipelineClient(parseArgs(['--workerGroup=wg', `--endpoint=${server.url}`, ...keys], env));
    const direct = createDataPipelineClient(parseArgs(['--workerGroup=wg', `--endpoint=${server.url}`, ...keys], { ...env, NO_PROXY: 'localhost,127.0.0.1' }));
    try {
      await via.send(new ListPipelinesCommand({}));
      assert.equal(proxy.absolute.length, 1);
      assert.deepEqual(proxy.auth, [undefined]);
      await direct.send(new ListPipelinesCommand({}));
      assert.equal(proxy.absolute.length, 1, 'the NO_PROXY client went around the proxy');
    } finally {
      via.destroy();
      direct.destroy();
    }
  });

  it('a server the SDK cannot reach through the proxy fails the call (the proxy is really in the path)', async () => {
    const dead = await startProxy();
    await dead.close();
    const config = parseArgs(['--workerGroup=wg', `--endpoint=${server.url}`, ...keys, '--proxyHost=127.0.0.1', `--proxyPort=${dead.port}`], {});
    const client = createDataPipelineClient(config);
    try {
      await assert.rejects(client.send(new ListPipelinesCommand({})), /ECONNREFUSED/);
    } finally {
      client.destroy();
    }
  });

  it('tunnels with CONNECT through the https agent, sending the proxy auth', async () => {
    const p = parseProxyUrl(`http://bob:s%3Acret@127.0.0.1:${proxy.port}`, 'https_proxy');
    assert.equal(p.password, 's:cret');
    const agents = createProxyAgents(p);
    const target = new URL(server.url);
    try {
      // A plain request over the tunnel: CONNECT, then the request inside it, as TLS would be for https.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: target.hostname, port: target.port, path: '/', method: 'GET', agent: agents.httpsAgent as unknown as http.Agent },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.ok(status > 0);
    } finally {
      agents.destroy();
    }
    assert.deepEqual(proxy.connects, [`${target.hostname}:${target.port}`]);
    assert.deepEqual(proxy.auth, [basic('bob', 's:cret')]);
    assert.deepEqual(proxy.absolute, []);
  });
});

describe('agent proxy: choosing a proxy', () => {
  const cfg = (argv: string[], env: NodeJS.ProcessEnv) => parseArgs(['--workerGroup=wg', ...argv], env);

  it('--proxy* options win over the environment; https endpoints use https_proxy, http ones http_proxy', () => {
    const env = { HTTPS_PROXY: 'http://envs:8443', HTTP_PROXY: 'envh:8080' };
    assert.equal(proxyFor(cfg([], env), 'https://datapipeline.us-east-1.amazonaws.com')?.display, 'http://envs:8443');
    assert.equal(proxyFor(cfg([], env), 'http://10.1.2.3:9000')?.display, 'http://envh:8080');
    assert.equal(proxyFor(cfg(['--proxyHost=opt', '--proxyPort=3128'], env), 'https://x.amazonaws.com')?.display, 'http://opt:3128');
    assert.equal(proxyFor(cfg(['--proxyHost=opt'], env), 'https://x.amazonaws.com')?.source, 'options');
    assert.equal(proxyFor(cfg([], {}), 'https://x.amazonaws.com'), undefined);
  });

  it('--s3NoProxy removes the proxy for S3 only', () => {
    const c = cfg(['--proxyHost=opt', '--s3NoProxy=true'], {});
    assert.equal(proxyForS3(c, 'https://s3.amazonaws.com'), undefined);
    assert.equal(proxyFor(c, 'https://datapipeline.us-east-1.amazonaws.com')?.host, 'opt');
    assert.equal(proxyForS3(cfg(['--proxyHost=opt'], {}), 'https://s3.amazonaws.com')?.host, 'opt');
  });

  it('never shows the password except in the agent URL', () => {
    const p = proxyFor(cfg(['--proxyHost=h', '--proxyPort=1', '--proxyUsername=u', '--proxyPassword=top secret'], {}), 'https://a.b')!;
    assert.equal(p.display, 'http://u:***@h:1');
    assert.equal(p.url, 'http://u:top%20secret@h:1');
    assert.ok(!JSON.stringify(p.display).includes('secret'));
  });

  it('rejects a proxy URL it cannot use, naming the variable', () => {
    assert.throws(() => proxyFor(cfg([], { https_proxy: 'socks5://h:1080' }), 'https://a.b'), /https_proxy: only http/);
  });

  it('matches NO_PROXY entries like curl and the AWS CLI', () => {
    const t = (no: string, url: string): boolean => bypassProxy(no, new URL(url));
    assert.equal(t('*', 'https://anything.example'), true);
    assert.equal(t('amazonaws.com', 'https://datapipeline.us-east-1.amazonaws.com'), true);
    assert.equal(t('.amazonaws.com', 'https://datapipeline.us-east-1.amazonaws.com'), true);
    assert.equal(t('*.amazonaws.com', 'https://s3.amazonaws.com'), true);
    assert.equal(t('amazonaws.com', 'https://notamazonaws.com'), false);
    assert.equal(t('a.com, 127.0.0.1', 'http://127.0.0.1:8080'), true);
    assert.equal(t('127.0.0.1:9000', 'http://127.0.0.1:8080'), false);
    assert.equal(t('127.0.0.1:8080', 'http://127.0.0.1:8080'), true);
    assert.equal(t('example.com:443', 'https://example.com'), true);
    assert.equal(t('10.0.0.0/8', 'http://10.20.30.40'), true);
    assert.equal(t('10.0.0.0/8', 'http://11.0.0.1'), false);
    assert.equal(t('::1', 'http://[::1]:80'), true);
    assert.equal(t('[::1]:80', 'http://[::1]'), true);
    assert.equal(t('fd00::/8', 'http://[fd12::1]'), true);
    assert.equal(t('', 'http://a'), false);
  });
});
