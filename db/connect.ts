/**
 * createDb: the one way Kontor opens a database, for the console's pools (db/index.ts), the CLI, the
 * launcher, the demo and fixture builders, benchmarks and tests. Nothing here reads the environment.
 */
import { Kysely, PostgresDialect, type KyselyConfig } from 'kysely';
import pg from 'pg';
import type { KontorDatabase } from '@/db/types';
import { logQueriesTo } from '@/db/query-log';

// Keyed by the Kysely instance, whatever its database type.
const pools = new WeakMap<object, pg.Pool>();

export interface DbOptions {
  /** Connections at most (default 1: a script, a test, a command). */
  max?: number;
  /** How long a query waits for a connection when all are taken (default: without end). */
  connectionTimeoutMillis?: number;
  /** How long an unused connection stays open (default: pg's 10 s). */
  idleTimeoutMillis?: number;
  /** The name pg_stat_activity shows for these connections. */
  applicationName?: string;
  /** Bench only: append every statement to this file (db/query-log.ts). */
  queryLog?: string;
  /** Kysely's query log (the benchmarks time each statement with it). */
  log?: KyselyConfig['log'];
}

/**
 * A pool (an idle client losing its server, a database restart, never crashes the process) under a
 * Kysely whose fullness read() and write() can see.
 */
export function createDb<DB = KontorDatabase>(url: string, opts: DbOptions = {}): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 1,
    connectionTimeoutMillis: opts.connectionTimeoutMillis,
    idleTimeoutMillis: opts.idleTimeoutMillis,
    application_name: opts.applicationName,
  });
  pool.on('error', () => undefined);
  if (opts.queryLog) logQueriesTo(pool, opts.queryLog);
  return kyselyOver<DB>(pool, opts.log);
}

/** A Kysely instance over `pool`, whose fullness read() and write() can see (a wait timeout is then "busy"). */
export function kyselyOver<DB = KontorDatabase>(pool: pg.Pool, log?: KyselyConfig['log']): Kysely<DB> {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
  pools.set(db, pool);
  return db;
}

/** The pool under a Kysely that createDb or kyselyOver made (its counts, a raw client for a cursor). */
export function poolOf(db: object): pg.Pool | undefined {
  return pools.get(db);
}

/** One client for `fn` (a statement outside any pool: create a database, read its comment), always closed. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
