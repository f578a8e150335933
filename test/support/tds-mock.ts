/**
 * A TDS 7.4 server double that tedious 19 accepts (toolchain.md 5, Appendix A, grown into a test double):
 * PRELOGIN (no encryption), LOGIN7 with the user, password and database read from the packet (a wrong password
 * gets error 18456), SQL batches, RPC sp_executesql with its parameters decoded (NVARCHAR incl. PLP, INTN, BITN,
 * FLTN, VARBINARY), ERROR tokens, and ATTENTION (a statement the handler leaves hanging ends with DONE_ATTN).
 * The default handler answers `SELECT <literal | @param> [AS name], ...` with one row; tests add their own.
 */
import net from 'node:net';

export type MockValue = null | number | string | boolean | bigint | Buffer;
export type MockColumnType = 'int' | 'bigint' | 'nvarchar' | 'bit' | 'float';

export type MockResponse =
  | { columns: { name: string; type: MockColumnType }[]; rows: MockValue[][] }
  | { error: { number: number; message: string; state?: number; class?: number } }
  | { rowCount: number }
  /** No answer until the client sends ATTENTION. */
  | { hang: true };

export interface MockRequest {
  kind: 'batch' | 'rpc';
  sql: string;
  /** RPC parameters by name without the @ (sp_executesql's own @statement/@params excluded). */
  params: Record<string, MockValue>;
}

export interface TdsMockOptions {
  /** Accepted logins; absent: any user and password. */
  users?: Record<string, string>;
  handler?: (req: MockRequest) => MockResponse | undefined;
}

export interface TdsMock {
  port: number;
  requests: MockRequest[];
  logins: { user: string; database: string }[];
  attentions: number;
  close(): Promise<void>;
}

const ucs2 = (s: string) => Buffer.from(s, 'ucs2');
const bvar = (s: string) => Buffer.concat([Buffer.from([s.length]), ucs2(s)]);
const usvar = (s: string) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(s.length);
  return Buffer.concat([b, ucs2(s)]);
};
const tok = (t: number, body: Buffer) => {
  const b = Buffer.alloc(3);
  b[0] = t;
  b.writeUInt16LE(body.length, 1);
  return Buffer.concat([b, body]);
};
const DONE_MORE = 0x01;
const DONE_ERROR = 0x02;
const DONE_COUNT = 0x10;
const DONE_ATTN = 0x20;
function done(status: number, rows = 0n, token = 0xfd): Buffer {
  const b = Buffer.alloc(13);
  b[0] = token;
  b.writeUInt16LE(status, 1);
  b.writeUInt16LE(0xc1, 3);
  b.writeBigUInt64LE(rows, 5);
  return b;
}

/** Splits a message into packets of at most 4096 bytes (the negotiated size). */
function packets(type: number, payload: Buffer): Buffer {
  const out: Buffer[] = [];
  const max = 4096 - 8;
  let id = 1;
  for (let off = 0; off === 0 || off < payload.length; off += max) {
    const part = payload.subarray(off, off + max);
    const h = Buffer.alloc(8);
    h[0] = type;
    h[1] = off + max >= payload.length ? 1 : 0;
    h.writeUInt16BE(8 + part.length, 2);
    h[6] = id++ & 0xff;
    out.push(h, part);
    if (payload.length === 0) break;
  }
  return Buffer.concat(out);
}

function prelogin(): Buffer {
  const opts: [number, Buffer][] = [
    [0x00, Buffer.from([16, 0, 0x07, 0xd0, 0, 0])],
    [0x01, Buffer.from([0x02])], // ENCRYPT_NOT_SUP
    [0x02, Buffer.from([0])],
    [0x03, Buffer.alloc(4)],
    [0x04, Buffer.from([0])],
  ];
  let off = opts.length * 5 + 1;
  const heads: Buffer[] = [];
  const datas: Buffer[] = [];
  for (const [t, d] of opts) {
    const h = Buffer.alloc(5);
    h[0] = t;
    h.writeUInt16BE(off, 1);
    h.writeUInt16BE(d.length, 3);
    heads.push(h);
    datas.push(d);
    off += d.length;
  }
  return Buffer.concat([...heads, Buffer.from([0xff]), ...datas]);
}

function errorToken(e: { number: number; message: string; state?: number; class?: number }): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt32LE(e.number, 0);
  head[4] = e.state ?? 1;
  head[5] = e.class ?? 16;
  const line = Buffer.alloc(4);
  line.writeUInt32LE(1);
  return tok(0xaa, Buffer.concat([head, usvar(e.message), bvar('mocktds'), bvar(''), line]));
}

/** LOGIN7: user name, password (de-obfuscated) and database from their offset/length slots. */
function parseLogin(p: Buffer): { user: string; password: string; database: string } {
  const field = (at: number) => p.subarray(p.readUInt16LE(at), p.readUInt16LE(at) + p.readUInt16LE(at + 2) * 2);
  const pw = Buffer.from(field(44).map((b) => {
    const x = b ^ 0xa5;
    return ((x & 0x0f) << 4) | (x >> 4);
  }));
  return { user: field(40).toString('ucs2'), password: pw.toString('ucs2'), database: field(68).toString('ucs2') };
}

function loginAck(database: string): Buffer {
  const env = (type: number, nv: string, ov: string) => tok(0xe3, Buffer.concat([Buffer.from([type]), bvar(nv), bvar(ov)]));
  const ack = Buffer.concat([Buffer.from([1, 0x74, 0, 0, 0x04]), bvar('Microsoft SQL Server'), Buffer.from([16, 0, 0x07, 0xd0])]);
  return Buffer.concat([env(1, database || 'master', 'master'), env(4, '4096', '4096'), tok(0xad, ack), done(0)]);
}

/** Reads one RPC parameter value of the given TYPE_INFO at `o`; returns the value and the next offset. */
function readParam(p: Buffer, o: number): { name: string; value: MockValue; next: number } {
  const nameLen = p[o];
  const name = p.subarray(o + 1, o + 1 + nameLen * 2).toString('ucs2').replace(/^@/, '');
  o += 1 + nameLen * 2 + 1; // name, status flags
  const type = p[o++];
  const plp = (at: number, text: boolean): { value: MockValue; next: number } => {
    const total = p.readBigUInt64LE(at);
    at += 8;
    if (total === 0xffffffffffffffffn) return { value: null, next: at };
    const parts: Buffer[] = [];
    for (;;) {
      const len = p.readUInt32LE(at);
      at += 4;
      if (len === 0) break;
      parts.push(p.subarray(at, at + len));
      at += len;
    }
    const b = Buffer.concat(parts);
    return { value: text ? b.toString('ucs2') : b, next: at };
  };
  if (type === 0xe7 || type === 0xa5) {
    const text = type === 0xe7;
    const max = p.readUInt16LE(o);
    o += 2 + (text ? 5 : 0);
    if (max === 0xffff) return { name, ...plp(o, text) };
    const len = p.readUInt16LE(o);
    o += 2;
    if (len === 0xffff) return { name, value: null, next: o };
    const b = p.subarray(o, o + len);
    return { name, value: text ? b.toString('ucs2') : Buffer.from(b), next: o + len };
  }
  if (type === 0x26 || type === 0x68 || type === 0x6d) {
    o++; // max length
    const len = p[o++];
    if (len === 0) return { name, value: null, next: o };
    const d = p.subarray(o, o + len);
    let value: MockValue;
    if (type === 0x68) value = d[0] !== 0;
    else if (type === 0x6d) value = len === 8 ? d.readDoubleLE(0) : d.readFloatLE(0);
    else value = len === 8 ? d.readBigInt64LE(0) : len === 4 ? d.readInt32LE(0) : len === 2 ? d.readInt16LE(0) : d[0];
    return { name, value, next: o + len };
  }
  throw new Error(`tds-mock: parameter @${name} has TDS type 0x${type.toString(16)}, which the mock does not decode`);
}

export function parseRpc(p: Buffer): MockRequest {
  let o = p.readUInt32LE(0); // ALL_HEADERS
  const nameLen = p.readUInt16LE(o);
  o += 2;
  if (nameLen === 0xffff) o += 2; // ProcID (10 = sp_executesql)
  else o += nameLen * 2;
  o += 2; // option flags
  const all: { name: string; value: MockValue }[] = [];
  while (o < p.length) {
    const r = readParam(p, o);
    all.push({ name: r.name, value: r.value });
    o = r.next;
  }
  const [statement, , ...rest] = all;
  const params: Record<string, MockValue> = {};
  for (const r of rest) params[r.name] = r.value;
  return { kind: 'rpc', sql: String(statement?.value ?? ''), params };
}

function columnType(v: MockValue): MockColumnType {
  if (typeof v === 'boolean') return 'bit';
  if (typeof v === 'bigint') return 'bigint';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'nvarchar';
}

/** `SELECT expr [AS name], ...` over literals and parameters; anything else is an error or an empty DONE. */
export function defaultHandler(req: MockRequest): MockResponse {
  const sql = req.sql.trim().replace(/;\s*$/, '');
  if (/^waitfor\s+delay/i.test(sql)) return { hang: true };
  if (/\b(raiserror|throw)\b/i.test(sql)) return { error: { number: 50000, message: `mock failure: ${sql.slice(0, 60)}` } };
  const m = /^select\s+(.+)$/is.exec(sql);
  if (!m) return { rowCount: 0 };
  if (/\bfrom\b/i.test(m[1])) return { error: { number: 208, message: `Invalid object name in: ${sql.slice(0, 60)}` } };
  const items = m[1].match(/(N?'(?:[^']|'')*'|[^,])+/g) ?? [];
  const columns: { name: string; type: MockColumnType }[] = [];
  const row: MockValue[] = [];
  for (const item of items) {
    const im = /^\s*(.+?)(?:\s+as\s+\[?(\w+)\]?)?\s*$/is.exec(item);
    const expr = (im?.[1] ?? '').trim();
    let v: MockValue;
    if (/^-?\d+$/.test(expr)) v = Number(expr);
    else if (/^-?\d+\.\d+$/.test(expr)) v = Number(expr);
    else if (/^N?'/i.test(expr)) v = expr.replace(/^N?'|'$/gi, '').replace(/''/g, "'");
    else if (/^null$/i.test(expr)) v = null;
    else if (/^@\w+$/.test(expr) && expr.slice(1) in req.params) v = req.params[expr.slice(1)];
    else return { error: { number: 207, message: `Invalid column name '${expr}'.` } };
    columns.push({ name: im?.[2] ?? '', type: columnType(v) });
    row.push(v);
  }
  return { columns, rows: [row] };
}

function typeInfo(t: MockColumnType): Buffer {
  switch (t) {
    case 'int':
      return Buffer.from([0x26, 4]);
    case 'bigint':
      return Buffer.from([0x26, 8]);
    case 'bit':
      return Buffer.from([0x68, 1]);
    case 'float':
      return Buffer.from([0x6d, 8]);
    case 'nvarchar':
      return Buffer.from([0xe7, 0x40, 0x1f, 0x09, 0x04, 0xd0, 0x00, 0x34]); // max 8000 bytes, Latin1_General_CI_AS
  }
}

function cell(t: MockColumnType, v: MockValue): Buffer {
  if (t === 'nvarchar') {
    if (v === null) return Buffer.from([0xff, 0xff]);
    const s = ucs2(Buffer.isBuffer(v) ? v.toString('hex') : String(v));
    const l = Buffer.alloc(2);
    l.writeUInt16LE(s.length);
    return Buffer.concat([l, s]);
  }
  if (v === null) return Buffer.from([0]);
  if (t === 'bit') return Buffer.from([1, v ? 1 : 0]);
  const b = Buffer.alloc(t === 'int' ? 4 : 8);
  if (t === 'int') b.writeInt32LE(Number(v));
  else if (t === 'bigint') b.writeBigInt64LE(BigInt(v as number));
  else b.writeDoubleLE(Number(v));
  return Buffer.concat([Buffer.from([b.length]), b]);
}

function encode(r: Exclude<MockResponse, { hang: true }>): Buffer {
  if ('error' in r) return Buffer.concat([errorToken(r.error), done(DONE_ERROR)]);
  if ('rowCount' in r) return done(DONE_COUNT, BigInt(r.rowCount));
  const count = Buffer.alloc(2);
  count.writeUInt16LE(r.columns.length);
  const meta = r.columns.map((c) => Buffer.concat([Buffer.alloc(4), Buffer.from([0x01, 0x00]), typeInfo(c.type), bvar(c.name)]));
  const rows = r.rows.map((row) => Buffer.concat([Buffer.from([0xd1]), ...row.map((v, i) => cell(r.columns[i].type, v))]));
  return Buffer.concat([Buffer.from([0x81]), count, ...meta, ...rows, done(DONE_COUNT, BigInt(r.rows.length))]);
}

/** An RPC answer: the batch tokens with the last DONE turned into DONEINPROC, then RETURNSTATUS and DONEPROC. */
function asRpc(batch: Buffer, failed: boolean): Buffer {
  const r = Buffer.from(batch);
  const last = r.length - 13;
  r[last] = 0xff;
  r.writeUInt16LE(r.readUInt16LE(last + 1) | DONE_MORE, last + 1);
  return Buffer.concat([r, Buffer.from([0x79, 0, 0, 0, 0]), done(failed ? DONE_ERROR : 0, 0n, 0xfe)]);
}

export async function startTdsMock(o: TdsMockOptions = {}): Promise<TdsMock> {
  const sockets = new Set<net.Socket>();
  const mock: TdsMock = { port: 0, requests: [], logins: [], attentions: 0, close: async () => {} };
  const respond = (req: MockRequest): { bytes: Buffer } | 'hang' => {
    mock.requests.push(req);
    let r: MockResponse;
    try {
      r = o.handler?.(req) ?? defaultHandler(req);
    } catch (err) {
      r = { error: { number: 50001, message: (err as Error).message } };
    }
    if ('hang' in r) return 'hang';
    const b = encode(r);
    return { bytes: req.kind === 'rpc' ? asRpc(b, 'error' in r) : b };
  };
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let msg: Buffer[] = [];
    // A request left hanging: ATTENTION ends its response first, then acknowledges (as SQL Server does).
    let hanging = false;
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8 && buf.length >= buf.readUInt16BE(2)) {
        const len = buf.readUInt16BE(2);
        const type = buf[0];
        const eom = buf[1] & 1;
        msg.push(buf.subarray(8, len));
        buf = buf.subarray(len);
        if (!eom) continue;
        const payload = Buffer.concat(msg);
        msg = [];
        if (type === 0x12) sock.write(packets(0x04, prelogin()));
        else if (type === 0x10) {
          const l = parseLogin(payload);
          mock.logins.push({ user: l.user, database: l.database });
          const ok = !o.users || o.users[l.user] === l.password;
          sock.write(packets(0x04, ok ? loginAck(l.database) : Buffer.concat([errorToken({ number: 18456, message: `Login failed for user '${l.user}'.`, state: 1, class: 14 }), done(DONE_ERROR)])));
        } else if (type === 0x01 || type === 0x03) {
          let req: MockRequest;
          try {
            req = type === 0x01 ? { kind: 'batch', sql: payload.subarray(payload.readUInt32LE(0)).toString('ucs2'), params: {} } : parseRpc(payload);
          } catch (err) {
            sock.write(packets(0x04, encode({ error: { number: 50002, message: (err as Error).message } })));
            continue;
          }
          const r = respond(req);
          if (r !== 'hang') sock.write(packets(0x04, r.bytes));
          else hanging = true;
        } else if (type === 0x0e) sock.write(packets(0x04, done(0)));
        else if (type === 0x06) {
          mock.attentions++;
          if (hanging) sock.write(packets(0x04, done(0)));
          hanging = false;
          sock.write(packets(0x04, done(DONE_ATTN)));
        }
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  mock.port = (srv.address() as net.AddressInfo).port;
  mock.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      srv.close(() => resolve());
    });
  return mock;
}
