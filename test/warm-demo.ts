/**
 * For the catalog tests (lib/inspect, cli/inspect): a private, warmed-up, migrated copy of the demo database, a Kysely on
 * it, and a way to run statements in a separate session whose statistics are flushed at once.
 */
import { Kysely } from 'kysely';
import pg from 'pg';
import { demoDatabase, type TestDatabase } from '@/test/db';
import { warmUp } from '@/db/demo/build';
import { migrateToLatest } from '@/db/migrate';
import type { KontorDatabase } from '@/db/types';
import type { PgMajor } from '@/db/embedded';
import { createDb } from '@/db/connect';

export interface DemoCopy {
  t: TestDatabase;
  db: Kysely<KontorDatabase>;
  /** Runs statements in their own session, then publishes its statistics counters. */
  run: (...statements: string[]) => Promise<void>;
  close: () => Promise<void>;
}

export async function warmDemo(major: PgMajor = 17): Promise<DemoCopy> {
  const t = await demoDatabase(major);
  await warmUp(t.url);
  const db = createDb(t.url, { max: 4 });
  // The template may predate Kontor's newest migrations (snapshots).
  const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
  if (error) throw error;
  const run = async (...statements: string[]) => {
    const c = new pg.Client(t.url);
    await c.connect();
    try {
      for (const s of statements) await c.query(s);
      await c.query('select pg_stat_force_next_flush()');
      await c.query('select 1');
    } finally {
      await c.end();
    }
  };
  return { t, db, run, close: async () => { await db.destroy(); await t.drop(); } };
}
