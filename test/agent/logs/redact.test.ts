import assert from 'node:assert/strict';
import { parseArgs } from '../../../agent/config.js';
import { createRedactor, MASK, startupSecrets } from '../../../agent/logs/redact.js';

describe('agent logs: redact', () => {
  it('masks known secrets anywhere, including base64, URI and JSON-escaped forms', () => {
    const secret = 'wJalr/XUtnFEMI+K7MDENG"bPxRfi';
    const r = createRedactor([secret]);
    const text = [
      `key=${secret}.`,
      `b64 ${Buffer.from(secret).toString('base64')}`,
      `uri ${encodeURIComponent(secret)}`,
      `json ${JSON.stringify({ k: secret })}`,
    ].join(' | ');
    const out = r.redact(text);
    assert.ok(!out.includes(secret), out);
    assert.ok(!out.includes(Buffer.from(secret).toString('base64')), out);
    assert.ok(!out.includes(encodeURIComponent(secret)), out);
    assert.ok(!out.includes('wJalr'), out);
  });

  it('masks secret-looking values by shape', () => {
    const r = createRedactor();
    const cases: [string, string][] = [
      ['Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/datapipeline/aws4_request, Signature=ab12', 'Credential=AKID'],
      ['proxy-authorization: Basic Ym9iOnNlY3JldA==', 'Ym9iOnNlY3JldA=='],
      ['{"authorization":"Bearer abc.def.ghi","x":1}', 'abc.def.ghi'],
      ['--proxyPassword=hunter22 --tasks=2', 'hunter22'],
      ['*password: p4ssw0rd!', 'p4ssw0rd!'],
      ['{"secretAccessKey":"sk-123456","accessKeyId":"AKID"}', 'sk-123456'],
      ['AWS_SESSION_TOKEN=FQoGZXIvYXdzEJr', 'FQoGZXIvYXdzEJr'],
      ['connect http://bob:pa55word@proxy:3128 now', 'pa55word'],
      ['[{"key":"*password","stringValue":"db-pass-1"},{"key":"username","stringValue":"u"}]', 'db-pass-1'],
      ['url?X-Amz-Signature=0123456789abcdef0123456789abcdef&a=1', '0123456789abcdef0123456789abcdef'],
    ];
    for (const [input, secret] of cases) {
      const out = r.redact(input);
      assert.ok(!out.includes(secret), `${input} -> ${out}`);
      assert.ok(out.includes(MASK), out);
    }
    // Ordinary text stays as it is.
    assert.equal(r.redact('polled 3 tasks for wg-1; password reset is not our job'), 'polled 3 tasks for wg-1; password reset is not our job');
    assert.equal(r.redact('accessKeyId=AKIDVISIBLE'), 'accessKeyId=AKIDVISIBLE');
  });

  it('masks secret fields of objects and learns their values for later text', () => {
    const r = createRedactor();
    const v = r.redactValue({
      task: { fields: [{ key: '*password', stringValue: 'learned-pw' }, { key: 'command', stringValue: 'echo hi' }] },
      proxyPassword: 'pp-value',
      nested: [{ token: 'tok-value' }],
      err: new Error('failed with learned-pw'),
    }) as Record<string, unknown>;
    const json = JSON.stringify(v);
    assert.ok(!json.includes('learned-pw') && !json.includes('pp-value') && !json.includes('tok-value'), json);
    assert.ok(json.includes('echo hi'));
    assert.ok(!(v.err as Error).message.includes('learned-pw'));
    assert.equal(r.redact('psql -W learned-pw and pp-value'), `psql -W ${MASK} and ${MASK}`);
  });

  it('skips very short secrets inside text, and survives cycles', () => {
    const r = createRedactor(['ab']);
    assert.equal(r.redact('abacus'), 'abacus');
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    assert.deepEqual(r.redactValue(a), { n: 1, self: '[Circular]' });
  });

  it('collects the start-up secrets from options, file and environment', () => {
    const c = parseArgs(['--workerGroup=wg', '--accessId=A', '--secretKey=sk-opt', '--proxyHost=p', '--proxyUsername=u', '--proxyPassword=pp-opt'], {
      https_proxy: 'http://u:env%20pw@h:1',
    });
    assert.deepEqual(startupSecrets(c, { AWS_SECRET_ACCESS_KEY: 'sk-env', AWS_SESSION_TOKEN: 'tok-env' }), ['sk-opt', 'pp-opt', 'sk-env', 'tok-env', 'env pw']);
  });
});
