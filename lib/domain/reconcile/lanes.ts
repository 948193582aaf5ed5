/**
 * Lanes: other connections of the pool working in one run's snapshot, beside it (run.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Trx } from '@/lib/guard/define';

/**
 * Starts `fn` on another connection of `db`'s pool, in a read-only transaction that imports `trx`'s
 * snapshot (both see exactly the same rows), and returns once that snapshot is imported: `trx` may
 * then go on with its own statements. Await `result` before `trx` ends. `prepare` sets the lane's
 * transaction up and returns its backend's pid (for `cancel`).
 */
export async function inOwnLane<T>(
  trx: Trx, db: Kysely<KontorDatabase>, prepare: (t: Trx) => Promise<number>, fn: (t: Trx) => Promise<T>,
): Promise<{ result: Promise<T>; cancel: () => void }> {
  const { rows: [{ id }] } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx);
  if (!/^[0-9A-F-]+$/i.test(id)) throw new Error(`Unexpected snapshot id ${id}`);
  let imported!: () => void;
  const ready = new Promise<void>((resolve) => { imported = resolve; });
  let pid: number | undefined;
  const result = db.connection().execute((conn) =>
    conn.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (t) => {
      await sql`set transaction snapshot ${sql.lit(id)}`.execute(t);
      pid = await prepare(t);
      imported();
      return fn(t);
    }));
  // Failing before the import (no free connection, a dropped one) ends the wait too.
  await Promise.race([ready, result.then(() => undefined, () => undefined)]);
  // Kept for the caller to await; a rejection before then is not left unhandled.
  result.catch(() => undefined);
  // When the first lane fails, the second is stopped rather than left to finish a read no one awaits
  // (on a connection the first one frees when its transaction ends: not awaited).
  const cancel = () => {
    if (pid !== undefined) void sql`select pg_cancel_backend(${pid})`.execute(db).catch(() => undefined);
  };
  return { result, cancel };
}

/** A promise with its resolve and reject at hand; a rejection nobody awaits is not an unhandled one. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
