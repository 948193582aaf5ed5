/**
 * One connection pool per process, and the two ways Kontor touches the product database:
 * `read` (a read-only transaction with timeouts) and `write` (used only by the guarded-edit kernel).
 *
 * Settings are applied with set_config(..., is_local => true), i.e. SET LOCAL, so they hold for one
 * transaction and work through a transaction-mode pooler (Supavisor, pgbouncer).
 */
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { databaseUrl, env } from '@/lib/env';
import { classifyDbError } from '@/db/errors';
import type { KontorDatabase } from '@/db/types';

// Postgres int8 and numeric come back as strings: money stays exact, counts are parsed where used.
type AnyDb = Kysely<KontorDatabase>;

const globalForDb = globalThis as unknown as { kontorDb?: { url: string; db: AnyDb; pool: pg.Pool } };

export function getDb(): AnyDb {
  const url = databaseUrl();
  if (globalForDb.kontorDb?.url === url) return globalForDb.kontorDb.db;
  const pool = new pg.Pool({
    connectionString: url,
    max: env.KONTOR_POOL_SIZE,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'kontor',
  });
  // An idle client losing its server (database restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<KontorDatabase>({ dialect: new PostgresDialect({ pool }) });
  globalForDb.kontorDb = { url, db, pool };
  return db;
}

export async function closeDb() {
  const current = globalForDb.kontorDb;
  globalForDb.kontorDb = undefined;
  await current?.db.destroy();
}

export interface SessionSettings {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

async function applySettings(trx: Transaction<KontorDatabase>, s: SessionSettings) {
  await sql`select
      set_config('statement_timeout', ${String(s.statementTimeoutMs ?? env.KONTOR_STATEMENT_TIMEOUT_MS)}, true),
      set_config('lock_timeout', ${String(s.lockTimeoutMs ?? env.KONTOR_LOCK_TIMEOUT_MS)}, true),
      set_config('idle_in_transaction_session_timeout', '60000', true),
      set_config('application_name', 'kontor', true)`.execute(trx);
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
    return await db
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        await applySettings(trx, settings);
        return fn(trx);
      });
  } catch (err) {
    throw classifyDbError(err);
  }
}

/** A read-write transaction with the same timeouts: for the guarded-edit kernel and migrations only. */
export async function write<T>(
  fn: (trx: Transaction<KontorDatabase>) => Promise<T>,
  settings: SessionSettings = {},
  db: AnyDb = getDb(),
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      await applySettings(trx, settings);
      return fn(trx);
    });
  } catch (err) {
    throw classifyDbError(err);
  }
}
