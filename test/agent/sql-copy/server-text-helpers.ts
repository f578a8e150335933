/**
 * Shared by the tests that compare a server-written text path (PostgreSQL's COPY TO, MySQL's one-value lines) with
 * the row path byte for byte: a connection with the copy's session settings, the layouts, and the row path's bytes.
 */
import { SESSION } from '../../../agent/copy/sql-node.js';
import type { Connection } from '../../../agent/sql/connection.js';
import { openConnection } from '../../../agent/sql/database.js';
import { parseJdbcUrl, toConnectOptions } from '../../../agent/sql/jdbc-url.js';
import { batchRenderer } from '../../../agent/sql/render.js';
import { escapedEncoder } from '../../../agent/formats/escaped.js';
import type { DataFormat } from '../../../agent/formats/format.js';
import { dpCsv } from '../../../agent/formats/dp-csv.js';
import { quietLogger } from '../../support/agent.js';
import type { CopyDbs } from './helpers.js';

const log = quietLogger();

type Engine = 'postgres' | 'mysql';

/** `fn` on a new connection to the test database of `engine`, with the session settings a copy uses. */
export async function withSessionConn<T>(dbs: CopyDbs, engine: Engine, fn: (c: Connection) => Promise<T>): Promise<T> {
  const url = engine === 'postgres' ? dbs.pgUrl : dbs.myUrl;
  const o = toConnectOptions(parseJdbcUrl('Db', url), { objectId: 'Db', username: engine === 'postgres' ? 'postgres' : 'root' }, () => {});
  const c = await openConnection(o, new AbortController().signal, log);
  try {
    for (const s of SESSION[engine]) await c.query(s);
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** A CSV/TSV-like format with `separator`, as escaped.ts writes it. */
export function layoutFormat(separator: string): DataFormat {
  const base = dpCsv();
  const settings = { label: 'TSV', separator, recordSeparator: '\n', escape: '\\' };
  return { ...base, escaped: settings, encoder: () => escapedEncoder(settings) };
}

/** The row path's bytes: rows rendered by render.ts, encoded by escaped.ts. */
export async function renderedBytes(c: Connection, sql: string, format: DataFormat, engine: Engine): Promise<Buffer> {
  const rows = c.stream(sql);
  const render = batchRenderer(engine, () => rows.columns);
  const encode = format.encoder();
  let text = '';
  for await (const batch of rows.batches()) for (const r of render(batch)) text += encode(r);
  return Buffer.from(text, 'utf8');
}
