/**
 * createDb, the one way Kontor opens a database; the console's pools (one per process, and one for
 * long reads); and the two ways Kontor touches the product database:
 * `read` (a read-only transaction with timeouts) and `write` (used only by the guarded-edit kernel).
 *
 * Settings are applied with set_config(..., is_local => true), i.e. SET LOCAL, so they hold for one
 * transaction and work through a transaction-mode pooler (Supavisor, pgbouncer).
 */
import 'server-only';
import { sql, type Kysely, type QueryExecutorProvider, type Transaction } from 'kysely';
import pg from 'pg';
import { databaseUrl, dbSettings as env } from '@/db/settings';
import { classifyDbError } from '@/db/errors';
import type { KontorDatabase } from '@/db/types';
import { createDb, poolOf } from '@/db/connect';

export { createDb, kyselyOver, poolOf, type DbOptions } from '@/db/connect';

// Postgres int8 and numeric come back as strings: money stays exact, counts are parsed where used.
type AnyDb = Kysely<KontorDatabase>;

const globalForDb = globalThis as unknown as { kontorDb?: { url: string; db: AnyDb; pool: pg.Pool } };

export function getDb(): AnyDb {
  const url = databaseUrl();
  if (globalForDb.kontorDb?.url === url) return globalForDb.kontorDb.db;
  const db = createDb(url, { max: env.KONTOR_POOL_SIZE, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, applicationName: 'kontor', queryLog: env.KONTOR_QUERY_LOG });
  globalForDb.kontorDb = { url, db, pool: poolOf(db)! };
  return db;
}

const globalForLong = globalThis as unknown as { kontorLongReads?: { url: string; db: AnyDb; pool: pg.Pool } };

/**
 * The second, bounded pool for long reads (CSV exports, a reconciliation's lanes): they never take the
 * connections pages need, and when all of this pool's are taken a new one waits at most a few seconds,
 * then is told Kontor is busy (KontorDbError 'busy') instead of queueing without end.
 */
export function getLongReadPool(): { db: AnyDb; pool: pg.Pool } {
  const url = databaseUrl();
  const current = globalForLong.kontorLongReads;
  if (current?.url === url) return current;
  const db = createDb(url, {
    max: env.KONTOR_LONG_READS, connectionTimeoutMillis: env.KONTOR_LONG_READ_WAIT_MS, idleTimeoutMillis: 30_000, applicationName: 'kontor long read', queryLog: env.KONTOR_QUERY_LOG,
  });
  const pool = poolOf(db)!;
  globalForLong.kontorLongReads = { url, db, pool };
  return { db, pool };
}

/** A client of `pool` for a long read; a wait that times out with every connection taken is 'busy'. */
export async function connectLongRead(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw classifyDbError(err, { full: pool.totalCount >= (pool.options.max ?? 10) });
  }
}

export interface SessionSettings {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** What pg_stat_activity shows for the connection: 'kontor', or what kind of Kontor work it is. */
  applicationName?: 'kontor' | 'kontor csv';
}

/**
 * A transaction's settings as one statement of literals: sent with a read's BEGIN in one simple-protocol
 * query (one round trip instead of two on every page: to a hosted database, a network one), and alone
 * at the start of a write. The values are integers checked here, never text from a request.
 */
function settingsStatement(s: SessionSettings): string {
  const name = (v: string) => {
    if (!/^[a-z ]+$/.test(v)) throw new Error(`Not an application name: ${v}`);
    return v;
  };
  const ms = (v: number) => {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`Not a duration in ms: ${v}`);
    return `'${v}'`;
  };
  return `select set_config('statement_timeout', ${ms(s.statementTimeoutMs ?? env.KONTOR_STATEMENT_TIMEOUT_MS)}, true), ` +
    `set_config('lock_timeout', ${ms(s.lockTimeoutMs ?? env.KONTOR_LOCK_TIMEOUT_MS)}, true), ` +
    `set_config('idle_in_transaction_session_timeout', '60000', true), set_config('application_name', '${name(s.applicationName ?? 'kontor')}', true)`;
}

/** A read transaction's BEGIN and its settings, as one query. */
export function readTransactionStart(s: SessionSettings): string {
  return `start transaction read only; ${settingsStatement(s)}`;
}

/**
 * Runs `fn` with a planner setting changed for the statements it sends, then puts back the value it
 * had (the setting is transaction-local; on failure the transaction is aborted and it goes too).
 */
export async function withLocalSetting<T>(
  db: QueryExecutorProvider, name: 'enable_seqscan' | 'parallel_leader_participation', value: 'on' | 'off', fn: () => Promise<T>,
): Promise<T> {
  const { rows: [{ prev }] } = await sql<{ prev: string }>`select current_setting(${name}) as prev, set_config(${name}, ${value}, true)`.execute(db);
  const out = await fn();
  await sql`select set_config(${name}, ${prev}, true)`.execute(db);
  return out;
}

/**
 * Runs `fn` in a READ ONLY transaction with statement and lock timeouts. Any attempt to write through
 * it fails in Postgres itself, whatever the code inside does.
 */
export async function read<T>(
  fn: (trx: Transaction<KontorDatabase>) => Promise<T>,
  settings: SessionSettings = {},
  db: AnyDb = getDb(),
): Promise<T> {
  try {
    // One connection, the transaction opened by hand: Kysely's own sends BEGIN alone.
    return await db.connection().execute(async (conn) => {
      await sql.raw(readTransactionStart(settings)).execute(conn);
      let result: T;
      try {
        // The same single-connection executor a Kysely transaction is; no code here nests transactions.
        result = await fn(conn as unknown as Transaction<KontorDatabase>);
      } catch (err) {
        await sql.raw('rollback').execute(conn).catch(() => undefined);
        throw err;
      }
      // An error swallowed inside `fn` leaves the transaction aborted: COMMIT then answers ROLLBACK.
      const { rows } = await sql.raw<{ command?: string }>('commit').execute(conn);
      if (rows[0]?.command === 'ROLLBACK') throw new Error('The read was rolled back: one of its statements failed.');
      return result;
    });
  } catch (err) {
    throw classifyDbError(err, poolState(db));
  }
}

/** Whether the pool behind `db` had every connection in use: a wait timeout is then "busy". */
function poolState(db: AnyDb): { full: boolean } {
  const pool = poolOf(db);
  if (!pool) return { full: false };
  return { full: pool.totalCount >= (pool.options.max ?? 10) && pool.idleCount === 0 };
}

/**
 * How many connections `db`'s pool could hand out now without waiting (0 for a Kysely whose pool is
 * not known here): a page opens an optional extra lane of reads only while this is above 0.
 */
export function spareConnections(db: AnyDb = getDb()): number {
  const pool = poolOf(db);
  if (!pool) return 0;
  return (pool.options.max ?? 10) - pool.totalCount + pool.idleCount;
}

/** A read-write transaction with the same timeouts: for the guarded-edit kernel, migrations and the alert checks' incident writes only. */
export async function write<T>(
  fn: (trx: Transaction<KontorDatabase>) => Promise<T>,
  settings: SessionSettings = {},
  db: AnyDb = getDb(),
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      await sql.raw(settingsStatement(settings)).execute(trx);
      return fn(trx);
    });
  } catch (err) {
    throw classifyDbError(err, poolState(db));
  }
}
