/**
 * Lanes: other connections of the pool working in one run's snapshot, beside it (parallel-lanes.ts).
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Trx } from '@/db/types';

/** A lane at work: its result (await it before the run's transaction ends) and a way to stop it. */
export interface Lane<T> {
  result: Promise<T>;
  cancel: () => void;
}

/**
 * Starts `work` on another connection of `db`'s pool, in a read-only transaction that imports `trx`'s
 * snapshot (both see exactly the same rows), and returns once that snapshot is imported: `trx` may
 * then go on with its own statements. `prepare` sets the lane's transaction up and returns its
 * backend's pid (for `cancel`). A lane that fails, even before it starts, rejects its result; a
 * rejection not awaited yet is not an unhandled one.
 */
export async function inOwnLane<T>(
  trx: Trx, db: Kysely<KontorDatabase>, prepare: (laneTrx: Trx) => Promise<number>, work: (laneTrx: Trx) => Promise<T>,
): Promise<Lane<T>> {
  const { rows: [{ id }] } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx);
  if (!/^[0-9A-F-]+$/i.test(id)) throw new Error(`Unexpected snapshot id ${id}`);
  let imported!: () => void;
  const ready = new Promise<void>((resolve) => { imported = resolve; });
  let pid: number | undefined;
  const result = db.connection().execute((conn) =>
    conn.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (laneTrx) => {
      await sql`set transaction snapshot ${sql.lit(id)}`.execute(laneTrx);
      pid = await prepare(laneTrx);
      imported();
      return work(laneTrx);
    }));
  // Failing before the import (no free connection, a dropped one) ends the wait too.
  await Promise.race([ready, result.then(() => undefined, () => undefined)]);
  // Kept for the caller to await; a rejection before then is not left unhandled.
  result.catch(() => undefined);
  // When the run fails, a lane still reading is stopped rather than left to finish a read no one awaits
  // (on a connection the run frees when its transaction ends: not awaited).
  const cancel = () => {
    if (pid !== undefined) void sql`select pg_cancel_backend(${pid})`.execute(db).catch(() => undefined);
  };
  return { result, cancel };
}
