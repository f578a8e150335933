/**
 * A small SQL lexer: enough to find the `;` that end statements and the `?` that are placeholders, never inside a
 * quoted string, a quoted identifier or a comment. Per dialect: '...' with '' everywhere; MySQL also "..." strings,
 * `...` identifiers, backslash escapes and # comments; PostgreSQL/Redshift E'...' backslash strings, $$ and $tag$
 * dollar quotes and nested /* *\/ comments; SQL Server [...] identifiers.
 */

export type Dialect = 'mysql' | 'postgres' | 'sqlserver';

export type SegmentKind = 'code' | 'quoted' | 'comment';

export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number; // exclusive
}

const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Where a quoted run starting at `i` (on its opening character) ends, exclusive; the text's length if never. */
function quoteEnd(s: string, i: number, close: string, backslash: boolean): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (backslash && c === '\\') {
      j += 2;
      continue;
    }
    if (c === close) {
      if (s[j + 1] === close) {
        j += 2; // doubled quote: an escaped one
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return s.length;
}

function blockCommentEnd(s: string, i: number, nested: boolean): number {
  let depth = 1;
  let j = i + 2;
  while (j < s.length) {
    if (nested && s.startsWith('/*', j)) {
      depth++;
      j += 2;
    } else if (s.startsWith('*/', j)) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return s.length;
}

/** The text split into code, quoted and comment runs (adjacent code characters form one run). */
export function lex(s: string, dialect: Dialect): Segment[] {
  const out: Segment[] = [];
  let codeStart = 0;
  const push = (kind: SegmentKind, start: number, end: number) => {
    if (codeStart < start) out.push({ kind: 'code', start: codeStart, end: start });
    out.push({ kind, start, end });
    codeStart = end;
  };
  const my = dialect === 'mysql';
  const pg = dialect === 'postgres';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const prev = i > 0 ? s[i - 1] : '';
    let end = -1;
    let kind: SegmentKind = 'quoted';
    if (c === "'") {
      // PostgreSQL E'...' (and e'...') strings take backslash escapes; plain ones do not.
      const eString = pg && (prev === 'E' || prev === 'e') && !(i > 1 && IDENT.test(s[i - 2]));
      end = quoteEnd(s, i, "'", my || eString);
    } else if (c === '"') end = quoteEnd(s, i, '"', my);
    else if (c === '`' && my) end = quoteEnd(s, i, '`', false);
    else if (c === '[' && dialect === 'sqlserver') end = quoteEnd(s, i, ']', false);
    else if (c === '-' && s[i + 1] === '-' && (!my || i + 2 >= s.length || /\s/.test(s[i + 2]))) {
      // MySQL needs whitespace after `--` for a comment (`1--1` is arithmetic there).
      kind = 'comment';
      const nl = s.indexOf('\n', i);
      end = nl < 0 ? s.length : nl;
    } else if (c === '#' && my) {
      kind = 'comment';
      const nl = s.indexOf('\n', i);
      end = nl < 0 ? s.length : nl;
    } else if (c === '/' && s[i + 1] === '*') {
      kind = 'comment';
      end = blockCommentEnd(s, i, pg);
    } else if (c === '$' && pg && !IDENT.test(prev)) {
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(s.slice(i, i + 66));
      if (m) {
        const close = s.indexOf(m[0], i + m[0].length);
        end = close < 0 ? s.length : close + m[0].length;
      }
    }
    if (end < 0) {
      i++;
      continue;
    }
    push(kind, i, end);
    i = end;
  }
  if (codeStart < s.length) out.push({ kind: 'code', start: codeStart, end: s.length });
  return out;
}

/** True when the text has something besides whitespace and comments. */
function hasCode(s: string, segs: readonly Segment[]): boolean {
  return segs.some((g) => g.kind !== 'comment' && s.slice(g.start, g.end).trim() !== '');
}

/** The script's statements, in order, trimmed; empty ones (only whitespace or comments) dropped. */
export function splitStatements(script: string, dialect: Dialect): string[] {
  const out: string[] = [];
  let start = 0;
  const flush = (end: number) => {
    const text = script.slice(start, end).trim();
    if (text !== '' && hasCode(text, lex(text, dialect))) out.push(text);
  };
  for (const g of lex(script, dialect)) {
    if (g.kind !== 'code') continue;
    for (let i = g.start; i < g.end; i++) {
      if (script[i] !== ';') continue;
      flush(i);
      start = i + 1;
    }
  }
  flush(script.length);
  return out;
}

/**
 * Offsets of the `?` placeholders of one statement. `??` is a literal `?` (as in the PostgreSQL JDBC driver, for
 * jsonb's `?` operators) and is not counted; `literalPairs` gets the offsets of those pairs.
 */
export function placeholderOffsets(sql: string, dialect: Dialect, literalPairs: number[] = []): number[] {
  const out: number[] = [];
  for (const g of lex(sql, dialect)) {
    if (g.kind !== 'code') continue;
    for (let i = g.start; i < g.end; i++) {
      if (sql[i] !== '?') continue;
      if (sql[i + 1] === '?' && i + 1 < g.end) {
        literalPairs.push(i);
        i++;
        continue;
      }
      out.push(i);
    }
  }
  return out;
}

/** The statement with its placeholders replaced by `mark(n)` (n from 1) and `??` by `?`. */
export function rewritePlaceholders(sql: string, dialect: Dialect, mark: (n: number) => string): { sql: string; count: number } {
  const pairs: number[] = [];
  const marks = placeholderOffsets(sql, dialect, pairs);
  const edits = [...marks.map((at, k) => ({ at, len: 1, text: mark(k + 1) })), ...pairs.map((at) => ({ at, len: 2, text: '?' }))].sort((a, b) => a.at - b.at);
  let out = '';
  let last = 0;
  for (const e of edits) {
    out += sql.slice(last, e.at) + e.text;
    last = e.at + e.len;
  }
  return { sql: out + sql.slice(last), count: marks.length };
}

/** The first non-empty line of a statement, for messages (cut at 120 characters). */
export function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '') ?? '';
  const t = line.trim();
  return t.length > 120 ? `${t.slice(0, 120)}…` : t;
}
