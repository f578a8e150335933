/**
 * A light JSON 1.1 client for the dispatch benchmark's hot loop: each request is SigV4-signed with
 * @smithy/signature-v4 (the signer the SDK itself uses) and sent over a keep-alive node:http agent, without the
 * SDK's middleware stack, endpoint resolution and model (de)serialisation. The server sees exactly what the SDK
 * sends (POST /, Content-Type application/x-amz-json-1.1, X-Amz-Target, Authorization, X-Amz-Date) and verifies
 * the signature as for any client; only the benchmark process's own CPU per request goes down.
 */
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_KEY } from '../../test/support/server.js';

const TARGET_PREFIX = 'DataPipeline';

export class ServiceCallError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`${code} (HTTP ${status}): ${message}`);
  }
}

export class SignedJsonClient {
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly signer = new SignatureV4({
    service: 'datapipeline',
    region: 'us-east-1',
    credentials: TEST_KEY,
    sha256: Hash.bind(null, 'sha256'),
  });

  constructor(url: string, maxSockets = 64) {
    this.url = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  async call<Out>(operation: string, input: object): Promise<Out> {
    const body = JSON.stringify(input);
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path: '/',
      headers: {
        host: this.url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${TARGET_PREFIX}.${operation}`,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const signed = await this.signer.sign(request);
    const { status, text } = await this.send(signed.headers as Record<string, string>, body);
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (status !== 200) {
      const type = String(json.__type ?? 'UnknownError');
      throw new ServiceCallError(type.slice(type.lastIndexOf('#') + 1), status, String(json.message ?? text));
    }
    return json as Out;
  }

  private send(headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent: this.agent, host: this.url.hostname, port: this.url.port, method: 'POST', path: '/', headers },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (s: string) => (text += s));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}
