/**
 * The one database interface both stores implement: plain SQL with $n parameters, transactions, and
 * a wake-up channel. PGlite and PostgreSQL run the same schema and the same statements.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Run `fn` in one transaction; a thrown error rolls it back. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Subscribe to wake-ups published by any server sharing this store (LISTEN/NOTIFY). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const WAKE_CHANNEL = 'datapipe_work';
