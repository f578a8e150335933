/**
 * SigV4 verification with @smithy/signature-v4: the request is re-signed with the caller's secret over exactly
 * the headers it says it signed, and the signatures are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from '../../protocol/errors.js';

export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface SignedRequestParts {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

export interface Caller {
  accessKeyId: string;
  region: string;
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;
const sha256 = Hash.bind(null, 'sha256');

function header(h: SignedRequestParts['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Parse `YYYYMMDDTHHMMSSZ`. */
function parseAmzDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return undefined;
  const [y, mo, d, hh, mi, ss] = m.slice(1).map(Number);
  return new Date(Date.UTC(y, mo - 1, d, hh, mi, ss));
}

export class SigV4Verifier {
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    private readonly secretFor: (accessKeyId: string) => string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(req: SignedRequestParts): Promise<Caller> {
    const auth = header(req.headers, 'authorization');
    if (!auth) throw new MissingAuthenticationTokenException('Missing Authentication Token');
    const m = AUTH_RE.exec(auth.trim());
    if (!m) {
      throw new IncompleteSignatureException(
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters with the AWS4-HMAC-SHA256 algorithm",
      );
    }
    const [, accessKeyId, shortDate, region, service, signedHeadersText, signature] = m;
    if (service !== 'datapipeline') {
      throw new InvalidSignatureException(`Credential should be scoped to correct service: 'datapipeline', not '${service}'`);
    }
    const secret = this.secretFor(accessKeyId);
    if (secret === undefined) throw new UnrecognizedClientException('The security token included in the request is invalid.');

    const amzDate = header(req.headers, 'x-amz-date');
    const when = amzDate ? parseAmzDate(amzDate) : undefined;
    if (!when) throw new IncompleteSignatureException('Request must contain a valid X-Amz-Date header');
    if (amzDate?.slice(0, 8) !== shortDate) {
      throw new InvalidSignatureException(`Credential scope date ${shortDate} does not match X-Amz-Date ${amzDate}`);
    }
    const skew = Math.abs(this.now() - when.getTime());
    if (skew > MAX_CLOCK_SKEW_MS) {
      throw new InvalidSignatureException(
        `Signature expired: ${amzDate} is now earlier than ${new Date(this.now() - MAX_CLOCK_SKEW_MS).toISOString()} (15 minutes of clock skew allowed)`,
      );
    }

    // The signer takes a present x-amz-content-sha256 as the payload hash instead of hashing the body, so a
    // header that does not match the body we received would let a signed request carry any other body.
    const claimed = header(req.headers, 'x-amz-content-sha256');
    if (claimed !== undefined && claimed.toLowerCase() !== createHash('sha256').update(req.body, 'utf8').digest('hex')) {
      throw new InvalidSignatureException('The x-amz-content-sha256 header does not match the SHA-256 of the request body');
    }

    const signed = signedHeadersText.split(';');
    if (!signed.includes('host')) throw new InvalidSignatureException("'Host' must be a signed header");
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const v = header(req.headers, name);
      if (v === undefined) throw new InvalidSignatureException(`Signed header '${name}' is missing from the request`);
      headers[name] = v;
    }
    const [path, query = ''] = req.path.split('?', 2);
    const queryObj: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(query)) queryObj[k] = v;
    const request = new HttpRequest({ method: req.method, path, query: queryObj, headers, body: req.body, hostname: headers.host });

    let signer = this.signers.get(`${accessKeyId}\n${secret}`);
    if (!signer) {
      signer = new SignatureV4({
        service,
        region,
        credentials: { accessKeyId, secretAccessKey: secret },
        sha256,
        applyChecksum: false,
      });
      this.signers.set(`${accessKeyId}\n${secret}`, signer);
    }
    const out = await signer.sign(request, {
      signingDate: when,
      signingRegion: region,
      signingService: service,
      signableHeaders: new Set(signed),
    });
    const expected = /Signature=([0-9a-f]{64})/.exec(String(out.headers.authorization))?.[1] ?? '';
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new InvalidSignatureException(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
    return { accessKeyId, region };
  }
}
