/**
 * Kontor's own schema (`kontor`) and its Kysely migrations. The list is static so that the console
 * (bundled by Next) and the CLI know the same set, and can tell when a database is behind.
 */
import 'server-only';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import { sql, type Kysely } from 'kysely';
import * as m0001 from '@/db/migrations/0001_staff';
import * as m0002 from '@/db/migrations/0002_guard';
import * as m0003 from '@/db/migrations/0003_snapshots';
import * as m0004 from '@/db/migrations/0004_suppressions';
import * as m0005 from '@/db/migrations/0005_support';
import * as m0006 from '@/db/migrations/0006_finance';
import * as m0007 from '@/db/migrations/0007_audit_head';
import * as m0008 from '@/db/migrations/0008_reconcile_fingerprint';
import * as m0009 from '@/db/migrations/0009_least_privilege';
import * as m0010 from '@/db/migrations/0010_sessions';
import * as m0011 from '@/db/migrations/0011_sign_in_attempts';
import * as m0012 from '@/db/migrations/0012_preview_once';
import * as m0013 from '@/db/migrations/0013_finance_rollups';
import * as m0014 from '@/db/migrations/0014_jobs';
import * as m0017 from '@/db/migrations/0017_usage_rollups';
import * as m0018 from '@/db/migrations/0018_statement_periods';
import * as m0019 from '@/db/migrations/0019_usage_periods';
import * as m0020 from '@/db/migrations/0020_pending_requests';
import * as m0021 from '@/db/migrations/0021_alert_events';
import * as m0022 from '@/db/migrations/0022_schedule';
import * as m0023 from '@/db/migrations/0023_alert_rules';
import * as m0024 from '@/db/migrations/0024_webhooks';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_staff': m0001,
  '0002_guard': m0002,
  '0003_snapshots': m0003,
  '0004_suppressions': m0004,
  '0005_support': m0005,
  '0006_finance': m0006,
  '0007_audit_head': m0007,
  '0008_reconcile_fingerprint': m0008,
  '0009_least_privilege': m0009,
  '0010_sessions': m0010,
  '0011_sign_in_attempts': m0011,
  '0012_preview_once': m0012,
  '0013_finance_rollups': m0013,
  '0014_jobs': m0014,
  '0017_usage_rollups': m0017,
  '0018_statement_periods': m0018,
  '0019_usage_periods': m0019,
  '0020_pending_requests': m0020,
  '0021_alert_events': m0021,
  '0022_schedule': m0022,
  '0023_alert_rules': m0023,
  '0024_webhooks': m0024,
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1)!;

export function migrator<DB>(db: Kysely<DB>) {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: 'kontor',
    // Issues land in parallel: a database that has 0003 may still lack 0002.
    allowUnorderedMigrations: true,
  });
}

export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  await sql`create schema if not exists kontor`.execute(db);
  return migrator(db).migrateToLatest();
}

export type SchemaStatus =
  | { state: 'current'; applied: string[] }
  | { state: 'missing' }
  | { state: 'behind'; applied: string[]; pending: string[] }
  | { state: 'ahead'; applied: string[]; unknown: string[] };

/** Reads which migrations a database has, without creating anything. */
export async function schemaStatus<DB>(db: Kysely<DB>): Promise<SchemaStatus> {
  const exists = await sql<{ ok: boolean }>`
    select to_regclass('kontor.kysely_migration') is not null as ok`.execute(db);
  if (!exists.rows[0]?.ok) return { state: 'missing' };
  const rows = await sql<{ name: string }>`select name from kontor.kysely_migration order by name`.execute(db);
  const applied = rows.rows.map((r) => r.name);
  const known = Object.keys(MIGRATIONS);
  const unknown = applied.filter((n) => !known.includes(n));
  if (unknown.length) return { state: 'ahead', applied, unknown };
  const pending = known.filter((n) => !applied.includes(n));
  return pending.length ? { state: 'behind', applied, pending } : { state: 'current', applied };
}
