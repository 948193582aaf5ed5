/**
 * Real Postgres for the tests. The test runner (scripts/test.ts) starts one throwaway cluster and
 * passes its admin URL in KONTOR_TEST_ADMIN_URL_17 (and _15); a test file run on its own starts one itself.
 * Each test gets its own database: empty, or a copy of the demo (built once as a template).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { startCluster, type PgMajor } from '@/db/embedded';
import { buildDemo, demoComment } from '@/db/demo/build';
import { startPgbouncer } from '@/test/pgbouncer';
import { withClient } from '@/db/connect';

export const DEMO_TEMPLATE = 'kontor_demo_template';
// The demo's clock is pinned in tests so that builds are comparable.
export const TEST_ANCHOR = new Date('2026-11-20T12:00:00Z');

const started = new Map<PgMajor, Promise<string>>();
const poolers = new Map<PgMajor, Promise<number>>();

/** scripts/test.ts starts one cluster per major version and passes KONTOR_TEST_ADMIN_URL_<major>. */
export function adminUrl(major: PgMajor = 17): Promise<string> {
  const given = process.env[`KONTOR_TEST_ADMIN_URL_${major}`];
  if (given) return Promise.resolve(given);
  let url = started.get(major);
  if (!url) {
    url = startCluster({ dataDir: path.resolve(`.kontor/test-pg${major}`), major, fast: true }).then((c) => c.url());
    started.set(major, url);
  }
  return url;
}

/**
 * `url` (a database of the test cluster) through pgbouncer in transaction mode: scripts/test.ts starts
 * one per cluster and passes its port in KONTOR_TEST_PGBOUNCER_PORT_<major>; a file run alone starts one.
 */
export async function throughPooler(url: string, major: PgMajor = 17): Promise<string> {
  let port = poolers.get(major);
  if (!port) {
    const given = process.env[`KONTOR_TEST_PGBOUNCER_PORT_${major}`];
    port = given
      ? Promise.resolve(Number(given))
      : adminUrl(major).then(async (base) => {
        const pooler = await startPgbouncer({ dir: path.resolve(`.kontor/test-pgbouncer-${major}-${process.pid}`), pgPort: Number(new URL(base).port) });
        return pooler.port;
      });
    poolers.set(major, port);
  }
  const u = new URL(url);
  u.port = String(await port);
  return u.toString();
}

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const admin = withClient;

export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

async function create(template: string | undefined, major: PgMajor): Promise<TestDatabase> {
  const base = await adminUrl(major);
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  await admin(base, (c) =>
    c.query(`create database ${name}${template ? ` template ${c.escapeIdentifier(template)}` : ''}`),
  );
  return {
    url: withDatabase(base, name),
    name,
    drop: () => admin(base, (c) => drop(c, name)),
  };
}

/**
 * Drops a test database once its last sessions have gone (up to 2 s, then by force). A pool's end()
 * resolves before its clients' sockets close; forcing at once would hit a client still closing, whose
 * "terminating connection" then surfaces as an uncaught error in whichever test owned the pool.
 */
async function drop(c: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const { rows: [r] } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
    if (r.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await c.query(`drop database if exists ${name} with (force)`);
}

/** An empty database of its own. */
export function emptyDatabase(major: PgMajor = 17) {
  return create(undefined, major);
}

/** A private copy of the demo database (built once per cluster, then copied as a template). */
export async function demoDatabase(major: PgMajor = 17): Promise<TestDatabase> {
  const base = await adminUrl(major);
  await admin(base, async (c) => {
    // Several test files may race to build the template: one builds, the others wait on the lock.
    await c.query('select pg_advisory_lock(4242)');
    try {
      const r = await c.query(
        `select 1 from pg_database where datname = $1 and shobj_description(oid, 'pg_database') = $2`,
        [DEMO_TEMPLATE, demoComment(TEST_ANCHOR)],
      );
      if (r.rowCount === 0) {
        await c.query(`drop database if exists ${DEMO_TEMPLATE} with (force)`);
        await c.query(`create database ${DEMO_TEMPLATE}`);
        await buildDemo(withDatabase(base, DEMO_TEMPLATE), { anchor: TEST_ANCHOR });
      }
    } finally {
      await c.query('select pg_advisory_unlock(4242)');
    }
  });
  return create(DEMO_TEMPLATE, major);
}
