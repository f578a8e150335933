/**
 * Input for PostgreSQL's `COPY ... FROM STDIN` (text format, NULL `\N`) that reads to exactly the values the
 * insertQuery path binds (escaped.ts reading, then `\N` as NULL and an empty field as '').
 *
 * Pass-through (CopyActivity's CSV / a TSV with escape `\`, records ending with LF, a separator COPY takes):
 * the bytes go as they are, with the separator as DELIMITER, except where the two readings differ:
 *   escape + b, f, v (COPY: BS, FF, VT), x (hex), 0-9 (octal), `.` (end-of-data marker): escaped.ts reads
 *     the character itself, so the escape is dropped;
 *   a raw CR (COPY refuses it), or escape + CR: both are a CR in the value, sent as `\r`.
 * Everything else reads alike: `\n`, `\r`, `\t`, escape + separator / escape / LF / any other character (that
 * character), `\N` as a whole value only (COPY compares the raw field), an empty field (''), a last record
 * without LF (one is added between objects). What escaped.ts refuses (CR LF, a dangling escape at the end, bytes
 * that are not UTF-8) throws CopyTextMismatch: the caller then loads on the insertQuery path, which reports it.
 *
 * Re-rendering (every other format): parsed records written as COPY text with TAB as DELIMITER.
 */
import { isUtf8 } from 'node:buffer';
import type { DataRecord } from '../formats/format.js';

const BS = 0x5c;
const CR = 0x0d;
const LF = 0x0a;

/** Bytes after an escape that COPY reads otherwise (see the file comment). */
const DIFFERS = new Uint8Array(256);
for (const c of 'bfvx0123456789.') DIFFERS[c.charCodeAt(0)] = 1;
DIFFERS[CR] = 1;

const ESCAPED_CR = Buffer.from('\\r');
const NEWLINE = Buffer.from('\n');

/** Input the insertQuery path reads differently, or refuses: the caller loads on that path instead. */
export class CopyTextMismatch extends Error {
  constructor(readonly why: string) {
    super(`the data cannot go to COPY as it is: ${why}`);
    this.name = 'CopyTextMismatch';
  }
}

/** Where the last complete UTF-8 character of `b` ends (an incomplete one at the end continues in the next chunk). */
function completeEnd(b: Buffer): number {
  let i = b.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (b[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return b.length;
  const lead = b[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return b.length - i < need ? i : b.length;
}

/** One object's bytes -> COPY text, chunk by chunk (see the file comment). */
export class PassThroughText {
  /** Records ended so far (LF bytes that are not escaped). */
  records = 0;
  private escape = false;
  private cr = false;
  private tail: Buffer | undefined;
  /** Bytes after the last record end. */
  private open = false;

  push(buf: Buffer): Buffer {
    const len = buf.length;
    if (len === 0) return buf;
    this.checkUtf8(buf);
    const pieces: Buffer[] = [];
    let escapedLf = 0;
    let lastEscaped = -1;
    let from = 0;
    let i = 0;
    if (this.escape) {
      this.escape = false;
      const c = buf[0];
      if (c === LF) escapedLf++;
      lastEscaped = 0;
      pieces.push(DIFFERS[c] ? (c === CR ? ESCAPED_CR : buf.subarray(0, 1)) : Buffer.of(BS, c));
      from = i = 1;
    } else if (this.cr) {
      this.cr = false;
      if (buf[0] === LF) throw new CopyTextMismatch('a record ends with CR LF');
      pieces.push(ESCAPED_CR);
    }
    let nb = buf.indexOf(BS, i);
    let nc = buf.indexOf(CR, i);
    while (nb !== -1 || nc !== -1) {
      if (nb !== -1 && (nc === -1 || nb < nc)) {
        if (nb + 1 >= len) {
          if (nb > from) pieces.push(buf.subarray(from, nb));
          from = len;
          this.escape = true;
          break;
        }
        const c = buf[nb + 1];
        if (c === LF) escapedLf++;
        lastEscaped = nb + 1;
        if (DIFFERS[c]) {
          if (nb > from) pieces.push(buf.subarray(from, nb));
          pieces.push(c === CR ? ESCAPED_CR : buf.subarray(nb + 1, nb + 2));
          from = nb + 2;
        }
        i = nb + 2;
        nb = buf.indexOf(BS, i);
        if (nc !== -1 && nc < i) nc = buf.indexOf(CR, i);
      } else {
        if (nc + 1 >= len) {
          if (nc > from) pieces.push(buf.subarray(from, nc));
          from = len;
          this.cr = true;
          break;
        }
        if (buf[nc + 1] === LF) throw new CopyTextMismatch('a record ends with CR LF');
        if (nc > from) pieces.push(buf.subarray(from, nc));
        pieces.push(ESCAPED_CR);
        from = i = nc + 1;
        nc = buf.indexOf(CR, i);
      }
    }
    if (from < len) pieces.push(from === 0 ? buf : buf.subarray(from));
    let lfs = 0;
    for (let k = buf.indexOf(LF); k !== -1; k = buf.indexOf(LF, k + 1)) lfs++;
    this.records += lfs - escapedLf;
    this.open = this.escape || this.cr || buf[len - 1] !== LF || lastEscaped === len - 1;
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  }

  /** What ends the object: a pending CR, a LF when its last record has none. Throws for a dangling escape. */
  end(): Buffer | undefined {
    if (this.escape) throw new CopyTextMismatch('the data ends with a dangling escape character');
    if (this.tail) throw new CopyTextMismatch('the data ends inside a UTF-8 character');
    if (this.cr) {
      this.cr = false;
      return Buffer.concat([ESCAPED_CR, NEWLINE]);
    }
    return this.open ? NEWLINE : undefined;
  }

  private checkUtf8(buf: Buffer): void {
    let b = buf;
    if (this.tail) {
      b = Buffer.concat([this.tail, buf]);
      this.tail = undefined;
    }
    const end = completeEnd(b);
    if (!isUtf8(end === b.length ? b : b.subarray(0, end))) throw new CopyTextMismatch('the data is not valid UTF-8');
    if (end < b.length) this.tail = Buffer.from(b.subarray(end));
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPE_OF: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Records as COPY text with TAB as DELIMITER (NULL as `\N`). */
export function renderCopyText(records: readonly DataRecord[]): Buffer {
  let text = '';
  for (const r of records) {
    for (let k = 0; k < r.length; k++) {
      const v = r[k];
      if (k > 0) text += '\t';
      text += v === null ? '\\N' : NEEDS_ESCAPE.test(v) ? v.replace(ESCAPES, (c) => ESCAPE_OF[c]) : v;
    }
    text += '\n';
  }
  return Buffer.from(text, 'utf8');
}
