/**
 * The database's clock, and the demo's. The demo database is a snapshot built around a fixed moment,
 * its anchor (its comment says `kontor demo <v> built <iso>`, db/demo/build.ts): its heartbeats, queue
 * ages and months of activity read as they should only at that moment. Anything else is a product in
 * service, whose clock is now().
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import type { Mapping } from '@/lib/mapping';

const DEMO_COMMENT = /^kontor demo \S+ (?:bench )?built (\d{4}-\d\d-\d\dT[\d:.]+Z)$/; // default and bench sizes

export interface DatabaseClock {
  /** The database's now(). */
  now: Date;
  /** The demo's anchor when the database is a demo snapshot (its comment), else null. */
  anchor: Date | null;
}

export async function databaseClock(db: QueryExecutorProvider): Promise<DatabaseClock> {
  const { rows } = await sql<{ comment: string | null; now: Date }>`
    select shobj_description(d.oid, 'pg_database') as comment, now() as now
      from pg_catalog.pg_database d where d.datname = current_database()`.execute(db);
  const anchor = rows[0]?.comment?.match(DEMO_COMMENT)?.[1];
  return { now: rows[0].now, anchor: anchor ? new Date(anchor) : null };
}

/**
 * The books' "today" (the period a finance page shows when none is asked for): the demo's anchor only
 * for the demo's own data read through the demo's mapping; for any product, the database's now(), even
 * when its database carries a demo's comment (a restore, a copy).
 */
export async function booksToday(db: QueryExecutorProvider, mapping: Mapping): Promise<Date> {
  const clock = await databaseClock(db);
  return clock.anchor && mapping.name === 'demo' ? clock.anchor : clock.now;
}
