import type Database from 'better-sqlite3';

/** What the SQLite stores use of a database: statements (prepared once per SQL text) and transactions. */
export interface SqliteHandle {
  prepare(sql: string): Database.Statement;
  transaction: Database.Database['transaction'];
}

/** More distinct SQL texts than this (e.g. `IN (?, ?, …)` lists for many gateways) start the cache afresh. */
const CACHE_LIMIT = 256;

/**
 * The database with a statement cache: preparing a statement parses and plans its SQL, which cost more than running
 * the query on the hot path from a pairing request to its card (profiled: 6% of that path's CPU samples).
 * Statements are only run with `get`/`all`/`run`, never iterated, so sharing one is safe.
 */
export function withStatementCache(db: Database.Database): SqliteHandle {
  const cache = new Map<string, Database.Statement>();
  return {
    prepare(sql: string): Database.Statement {
      let statement = cache.get(sql);
      if (statement === undefined) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        statement = db.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
    transaction: db.transaction.bind(db) as Database.Database['transaction'],
  };
}
