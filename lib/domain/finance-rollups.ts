/**
 * What the finance rollups share (migration 0013; the statement's for now): their state row, the
 * horizon a refresh moves to, the one-refresher-at-a-time lock, UTC months, and refreshes started in
 * the background by a page. Two rollups: the statement's (0013) and usage costs' (0017).
 *
 * A rollup holds the sums of the product rows created before its horizon; a page adds the rows
 * created since (an index range on the created-at column), so what it shows is exact and current
 * whatever the rollup's age. A refresh moves the horizon forward in one transaction that writes the
 * sums and the new horizon together, under a transaction-level advisory lock (it holds behind a
 * transaction-mode pooler): a second refresher at the same moment skips, and no row is summed twice.
 */
import 'server-only';
import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Trx } from '@/db/types';

export type RollupName = 'statement' | 'usage';

export interface RollupState {
  /** Rows created before it are in the rollup; the page reads the rest from the product's table. */
  horizon: Date;
  /** The latest UTC month (YYYY-MM-01) the rollup holds lines for; null: none yet. */
  lastMonth: string | null;
  entries: number;
  builtAt: Date;
  refreshedAt: Date;
  refreshMs: number | null;
  /** Where a source's rows stop besides the horizon (migration 0017): usage's API cost log's last key. */
  marks: Record<string, string>;
}

/** The rollup's state, or null when it is missing or was built for another mapping (`signature`). */
export async function readRollup(db: QueryExecutorProvider, name: RollupName, signature: string): Promise<RollupState | null> {
  const { rows: [r] } = await sql<{ horizon: Date; last_month: string | null; entries: string; built_at: Date; refreshed_at: Date; refresh_ms: number | null; marks: Record<string, string> | null }>`
    select horizon, last_month::text, entries::text, built_at, refreshed_at, refresh_ms, to_jsonb(r)->'marks' as marks
      from kontor.finance_rollups r where name = ${name} and signature = ${signature}`.execute(db);
  return r ? {
    horizon: r.horizon, lastMonth: r.last_month, entries: Number(r.entries), builtAt: r.built_at, refreshedAt: r.refreshed_at, refreshMs: r.refresh_ms,
    marks: r.marks ?? {},
  } : null;
}

/**
 * The new horizon: now, or the start of the oldest transaction still open in this database when that
 * is earlier (its rows, stamped with its start, may still commit behind a later horizon), as the
 * reconciliation's incremental runs do (reconcile/run.ts).
 */
export async function nextHorizon(trx: Trx): Promise<Date> {
  const { rows: [h] } = await sql<{ horizon: Date }>`
    select least(now(), coalesce((select min(xact_start) from pg_catalog.pg_stat_activity
                                   where xact_start is not null and pid <> pg_backend_pid() and datname = current_database()), now())) as horizon`.execute(trx);
  return h.horizon;
}

/**
 * Runs `fn` in a read-write transaction holding the rollup's lock, with a long statement timeout;
 * null when another refresh holds it (that one writes what this one would have).
 */
export async function withRollupLock<T>(db: Kysely<KontorDatabase>, name: RollupName, timeoutMs: number, fn: (trx: Trx) => Promise<T>): Promise<T | null> {
  return db.transaction().execute(async (trx) => {
    const { rows: [l] } = await sql<{ ok: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended(${`kontor finance rollup ${name}`}, 0)) as ok,
             set_config('statement_timeout', ${String(timeoutMs)}, true), set_config('lock_timeout', '5000', true),
             set_config('application_name', 'kontor rollup', true)`.execute(trx);
    return l.ok ? fn(trx) : null;
  });
}

/** Writes the state after a refresh (in its transaction). */
export async function saveRollup(
  trx: Trx, name: RollupName, signature: string,
  s: { horizon: Date; lastMonth: string | null; entries: number; full: boolean; ms: number; marks?: Record<string, string> },
) {
  await sql`
    insert into kontor.finance_rollups as r (name, signature, horizon, last_month, entries, built_at, refreshed_at, refresh_ms)
    values (${name}, ${signature}, ${s.horizon}, ${s.lastMonth}::date, ${s.entries}, clock_timestamp(), clock_timestamp(), ${s.ms})
    on conflict (name) do update set
      signature = excluded.signature, horizon = excluded.horizon, last_month = excluded.last_month,
      entries = ${s.full ? sql`excluded.entries` : sql`r.entries + excluded.entries`},
      built_at = ${s.full ? sql`excluded.built_at` : sql`r.built_at`},
      refreshed_at = excluded.refreshed_at, refresh_ms = excluded.refresh_ms`.execute(trx);
  // marks (0017) only when given: the statement's refresh never names the column.
  if (s.marks) await sql`update kontor.finance_rollups set marks = ${JSON.stringify(s.marks)}::jsonb where name = ${name}`.execute(trx);
}

const DAY = 86_400_000;

/** The first instant of `d`'s UTC month. */
export const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
export const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
/** YYYY-MM-DD of a UTC date, as the rollups key their days and months. */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const parseIsoDay = (s: string) => new Date(`${s}T00:00:00Z`);
export const isWholeMonth = (p: { from: Date; to: Date }) =>
  p.from.getTime() === monthStart(p.from).getTime() && p.to.getTime() === addMonths(p.from, 1).getTime();
export const laterOf = (a: Date, b: Date) => (a > b ? a : b);
export const days = (ms: number) => ms / DAY;

const running = new Map<string, Promise<unknown>>();

/**
 * Starts `refresh` unless this process runs one for `key` already; never rejects (a failed refresh
 * is logged: the pages go on reading the rollup they have plus the newer rows).
 */
export function refreshInBackground(key: string, refresh: () => Promise<unknown>): Promise<unknown> {
  const current = running.get(key);
  if (current) return current;
  const p = refresh()
    .catch((err: unknown) => console.error(`[kontor] the ${key} rollup's refresh failed`, err))
    .finally(() => running.delete(key));
  running.set(key, p);
  return p;
}
