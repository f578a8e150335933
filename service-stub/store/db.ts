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
  /**
   * Run `fn` in one transaction; a thrown error rolls it back. `wakeUps` (asked once `fn` has returned) are
   * published on WAKE_CHANNEL with the commit, for other servers sharing the store; the embedded store has none.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>, wakeUps?: () => Iterable<string>): Promise<T>;
  /** Subscribe to wake-ups published by any server sharing this store (LISTEN/NOTIFY). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const WAKE_CHANNEL = 'datapipe_work';
