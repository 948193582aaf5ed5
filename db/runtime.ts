/**
 * Where the console and the CLI find their database: DATABASE_URL when set (Kontor builds nothing
 * there), else the embedded demo under .kontor/, started on first use and built once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from '@/db/migrate';
import { startCluster, type Cluster } from '@/db/embedded';
import { buildDemo, DEMO_VERSION, type DemoSize } from '@/db/demo/build';
import { buildFixture, fixtureComment, getFixture } from '@/db/fixtures/build';
import { createDb, withClient } from '@/db/connect';

export const KONTOR_DIR = path.resolve(process.env.KONTOR_HOME ?? '.kontor');
export const DEMO_DB = 'kontor_demo';

export interface Resolved {
  url: string;
  embedded: boolean;
  cluster?: Cluster;
  secret: string;
  /** KONTOR_FIXTURE's product, whose fixture database the embedded cluster serves instead of the demo. */
  fixture?: string;
}

/** A stable per-checkout secret for the embedded demo, so sessions survive restarts. */
export function localSecret(): string {
  const file = path.join(KONTOR_DIR, 'secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(KONTOR_DIR, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export async function databaseExists(adminUrl: string, name: string) {
  return withClient(adminUrl, async (client) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

export async function isDemoBuilt(url: string) {
  // A demo built by an older Kontor (another DEMO_VERSION) is rebuilt.
  return (await databaseComment(url)).startsWith(`kontor demo ${DEMO_VERSION} `);
}

export async function recreateDatabase(adminUrl: string, name: string) {
  await withClient(adminUrl, async (client) => {
    const id = client.escapeIdentifier(name);
    await client.query(`drop database if exists ${id} with (force)`);
    await client.query(`create database ${id}`);
  });
}

/** The embedded demo is Kontor's own: bring its `kontor` schema up to date on every start. */
async function migrateEmbedded(url: string, log: (line: string) => void) {
  const db = createDb<unknown>(url);
  try {
    const { error, results = [] } = await migrateToLatest(db);
    if (error) throw error;
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length) log(`Migrated the demo's kontor schema: ${applied.join(', ')}`);
  } finally {
    await db.destroy();
  }
}

export interface EnsureOptions {
  log?: (line: string) => void;
  /** Rebuild the demo even if it exists. */
  reset?: boolean;
  /** With reset: multiply the demo's default sizes. */
  scale?: number;
  /** With reset: the demo's size ('bench': 1M users, ~10M ledger rows; several minutes). */
  size?: DemoSize;
  /** A product's fixture (db/fixtures) instead of the demo; default KONTOR_FIXTURE. */
  fixture?: string;
}

/** The fixture the embedded cluster serves, if one is asked for (KONTOR_FIXTURE or the option). */
function fixtureOf(opts: EnsureOptions): string | undefined {
  const name = opts.fixture ?? process.env.KONTOR_FIXTURE;
  if (!name) return undefined;
  return getFixture(name).name;
}

async function databaseComment(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const r = await client.query(`select shobj_description(oid, 'pg_database') as note from pg_database where datname = current_database()`);
    return String(r.rows[0]?.note ?? '');
  });
}

export async function ensureDatabase(opts: EnsureOptions = {}): Promise<Resolved> {
  const log = opts.log ?? (() => undefined);
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, secret: process.env.KONTOR_SECRET ?? '' };
  }
  const cluster = await startCluster({ dataDir: path.join(KONTOR_DIR, 'pg17'), major: 17, log });
  const fixture = fixtureOf(opts);
  if (fixture) {
    const name = `kontor_fixture_${fixture.replaceAll('-', '_')}`;
    const url = cluster.url(name);
    const built = (await databaseExists(cluster.url(), name)) && (await databaseComment(url)).startsWith(fixtureComment(fixture, new Date(0)).split(' built ')[0]);
    if (opts.reset || !built) {
      log(`Building the ${fixture} fixture…`);
      await recreateDatabase(cluster.url(), name);
      await buildFixture(url, fixture);
    }
    await migrateEmbedded(url, log);
    return { url, embedded: true, cluster, secret: process.env.KONTOR_SECRET ?? localSecret(), fixture };
  }
  const url = cluster.url(DEMO_DB);
  const exists = await databaseExists(cluster.url(), DEMO_DB);
  if (opts.reset || !exists || !(await isDemoBuilt(url))) {
    log(exists ? 'Rebuilding the demo database…' : 'Building the demo database (first start)…');
    const started = Date.now();
    await recreateDatabase(cluster.url(), DEMO_DB);
    await buildDemo(url, { scale: opts.scale, size: opts.size });
    log(`Demo database built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
  await migrateEmbedded(url, log);
  return { url, embedded: true, cluster, secret: process.env.KONTOR_SECRET ?? localSecret() };
}
