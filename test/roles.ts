/**
 * The least-privilege roles of the README ("Least-privilege roles"), made in a test cluster by running
 * the README's own SQL block: tests then migrate as kontor_owner and edit as kontor_app, as a
 * deployment that follows the README does. Roles are cluster-wide (created once, under a lock); the
 * grants are per database.
 */
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { createDb, withClient } from '@/db/connect';
import { migrateToLatest } from '@/db/migrate';

export const OWNER = { user: 'kontor_owner', password: 'owner-test-password' };
export const APP = { user: 'kontor_app', password: 'app-test-password' };

/** The README's SQL, its placeholders filled in, as statements. */
export function readmeRoleStatements(): string[] {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = /```sql\n(-- Kontor's roles[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no ```sql block starting with \"-- Kontor's roles\"");
  return block
    .replaceAll('OWNER-PASSWORD', OWNER.password)
    .replaceAll('APP-PASSWORD', APP.password)
    .split('\n').filter((line) => !line.startsWith('--')).join('\n')
    .split(/;\n/).map((s) => s.trim()).filter(Boolean);
}

/** A connection string for the same database as another role. */
export function asRole(url: string, who: { user: string; password: string }): string {
  const u = new URL(url);
  u.username = who.user;
  u.password = who.password;
  return u.toString();
}

/**
 * Runs the README's SQL as the cluster's superuser on the database `url` names (a demo copy: it needs
 * the API roles and the auth schema). Role creation and memberships run once per cluster.
 */
export async function applyReadmeRoles(url: string): Promise<void> {
  const statements = readmeRoleStatements();
  const clusterWide = (s: string) => /^create role /i.test(s) || /^grant (?!.* on )[\w, ]+ to \w+$/i.test(s);
  const base = new URL(url);
  base.pathname = '/postgres';
  await withClient(base.toString(), async (c) => {
    // Advisory locks are per database: every caller takes this one in `postgres`.
    await c.query('select pg_advisory_lock(4245)');
    try {
      for (const s of statements.filter(clusterWide)) {
        const role = /^create role (\w+)/i.exec(s)?.[1];
        if (role && (await c.query('select 1 from pg_roles where rolname = $1', [role])).rowCount) continue;
        await c.query(s);
      }
    } finally {
      await c.query('select pg_advisory_unlock(4245)');
    }
  });
  await withClient(url, async (c) => {
    for (const s of statements.filter((s) => !clusterWide(s))) await c.query(s);
  });
}

/**
 * A database set up as the README deploys Kontor: the demo's kontor schema (made by the superuser)
 * dropped, the README's roles applied, and the schema migrated again by kontor_owner, which must not be
 * a superuser. The console then connects as APP.
 */
export async function deployAsReadme(url: string): Promise<void> {
  await withClient(url, (c) => c.query('drop schema kontor cascade'));
  await applyReadmeRoles(url);
  const owner = createDb(asRole(url, OWNER), { max: 1 });
  try {
    const { rows: [me] } = await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(owner);
    assert.equal(me.rolsuper, false, 'the owner is not a superuser');
    const { error } = await migrateToLatest(owner as unknown as Kysely<unknown>);
    if (error) throw error;
  } finally {
    await owner.destroy();
  }
}
