/**
 * Builds the demo database: a Supabase-shaped AI SaaS (auth, storage, a credits ledger, a GPU task
 * queue) with planted defects listed in manifest.json, then Kontor's own schema and staff.
 *
 * The SQL lives in db/demo/sql/*.sql and runs in order in one session; everything is derived from
 * the anchor and md5 of row numbers, so the same anchor builds the same rows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { migrateToLatest } from '@/db/migrate';
import { warmUp } from '@/db/demo/warm-up';
import { createDb } from '@/db/connect';

export { warmUp };

/** Bumped whenever the demo's content changes; part of the database comment. */
export const DEMO_VERSION = '1';

/** The kinds of generated rows whose count a size sets (sql/*.sql: `pg_temp.n(base, kind)`). */
export type RowKind = 'users' | 'payments' | 'tasks' | 'live' | 'api' | 'signins' | 'feedback';

/**
 * Each size's row counts, as multiples of the default demo's (2,000 users, 20,000 payments, 50,000
 * tasks, 28 live tasks, 150,000 metered API calls, 10,000 sign-ins, 300 feedbacks). The benchmark
 * size is shaped like a grown product rather than the default demo times 500: a million users, most
 * of them light (about 2 tasks and 6 API calls each, a few heavy ones with hundreds), about 10M
 * ledger rows (mostly metered API calls), 2M tasks and 1.5M payments; the live queue stays small.
 */
export const DEMO_SIZES: Record<DemoSize, Record<RowKind, number>> = {
  default: { users: 1, payments: 1, tasks: 1, live: 1, api: 1, signins: 1, feedback: 1 },
  bench: { users: 500, payments: 75, tasks: 40, live: 5, api: 40, signins: 100, feedback: 100 },
};
export type DemoSize = 'default' | 'bench';

export interface DemoOptions {
  /** Row counts per kind (DEMO_SIZES); default 'default'. */
  size?: DemoSize;
  /** Multiplies the size's row counts (default 1: at the default size 2,000 users, ~210,000 ledger rows). */
  scale?: number;
  /** The demo's "now"; default: now, truncated to the minute. */
  anchor?: Date;
  /**
   * Sessions that generate the rows side by side (default 2: this machine's cores). Files marked
   * `-- lanes: all` run in every session at once, and each row is written by the session its
   * number falls to (`pg_temp.mine(n)`); the rows are the same whatever the number of lanes.
   */
  lanes?: number;
  /** Told how long each step took (a SQL file, the migration, the warm-up), for profiling. */
  log?: (line: string) => void;
}

const SQL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql');
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A bcrypt hash with a salt derived from `label`: real, verifiable, and the same on every build. */
export function fixedBcrypt(password: string, label: string): string {
  const bytes = crypto.createHash('sha256').update(`kontor-demo-salt:${label}`).digest();
  const salt = Array.from(bytes.subarray(0, 22), (b) => BCRYPT_ALPHABET[b % 64]).join('');
  return bcrypt.hashSync(password, `$2a$10$${salt}`);
}

/**
 * The database comment that marks a complete demo, written last: `kontor demo 1 built <anchor>`,
 * and at another size `kontor demo 1 <size> built <anchor>`.
 */
export function demoComment(anchor: Date, size: DemoSize = 'default'): string {
  return `kontor demo ${DEMO_VERSION}${size === 'default' ? '' : ` ${size}`} built ${anchor.toISOString()}`;
}

/** Reads a demo comment back (null when the comment is not one). */
export function parseDemoComment(comment: string | null | undefined): { version: string; size: DemoSize; anchor: Date } | null {
  const m = /^kontor demo (\S+) (?:(bench) )?built (\d{4}-\d\d-\d\dT[\d:.]+Z)$/.exec(comment ?? '');
  return m ? { version: m[1], size: (m[2] as DemoSize | undefined) ?? 'default', anchor: new Date(m[3]) } : null;
}

export function sqlFiles(): string[] {
  return fs
    .readdirSync(SQL_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

export async function buildDemo(url: string, opts: DemoOptions = {}): Promise<void> {
  const scale = opts.scale ?? 1;
  const size = opts.size ?? 'default';
  const factors = DEMO_SIZES[size];
  if (!factors) throw new Error(`demo size must be one of ${Object.keys(DEMO_SIZES).join(', ')}, got ${size}`);
  // Planted rows use fixed row numbers (up to user 47, payment 303, task 602): every size needs at
  // least 5% of the default demo's users, payments and tasks.
  const minimum = 0.05 / Math.min(factors.users, factors.payments, factors.tasks);
  if (!(scale >= minimum)) throw new Error(`demo scale must be at least ${minimum} at the ${size} size, got ${scale}`);
  const anchor = opts.anchor ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const step = stepTimer(opts.log);

  const staff = DEMO_STAFF.map((s, n) => ({
    email: s.email,
    role: s.role,
    hash: fixedBcrypt(DEMO_PASSWORD, s.email),
    n: n + 1,
  }));
  const lanes = Math.max(1, Math.floor(opts.lanes ?? 2));
  const settings: Record<string, string> = {
    'kontor_demo.anchor': anchor.toISOString(),
    'kontor_demo.customer_hash': fixedBcrypt(DEMO_CUSTOMER.password, DEMO_CUSTOMER.email),
    // Customers' passwords are unknown: one hash of an unguessable-enough secret for all of them.
    'kontor_demo.bulk_hash': fixedBcrypt(crypto.createHash('sha256').update('kontor-demo-customers').digest('hex'), 'customers'),
    'kontor_demo.staff': JSON.stringify(staff.map(({ email, hash, n }) => ({ email, hash, n }))),
    'kontor_demo.lanes': String(lanes),
  };
  for (const [kind, factor] of Object.entries(factors)) settings[`kontor_demo.scale.${kind}`] = String(factor * scale);
  const open = async (lane: number) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const [name, value] of Object.entries({ ...settings, 'kontor_demo.lane': String(lane) })) {
      await c.query('select set_config($1, $2, false)', [name, value]);
    }
    for (const setting of SESSION_SETTINGS) await c.query(setting);
    return c;
  };
  const client = await open(0);
  // The other lanes' sessions, opened at the first file that every lane runs.
  const others: pg.Client[] = [];
  try {
    step('setup');
    for (const file of sqlFiles()) {
      const text = fs.readFileSync(path.join(SQL_DIR, file), 'utf8');
      if (/^-- lanes: all$/m.test(text)) {
        while (others.length < lanes - 1) {
          const c = await open(others.length + 1);
          others.push(c);
          await runSql(c, HELPERS, fs.readFileSync(path.join(SQL_DIR, HELPERS), 'utf8'));
        }
        await Promise.all([client, ...others].map((c) => runSql(c, file, text)));
      } else {
        await runSql(client, file, text);
      }
      step(`sql/${file}`);
    }
    await Promise.all(others.splice(0).map((c) => c.end()));

    await migrateKontor(url);
    await client.query(
      `insert into kontor.staff (user_id, email, role, created_at, updated_at)
       select u.id, s.email, s.role, $2, $2
       from jsonb_to_recordset($1::jsonb) as s(email text, role text)
       join auth.users u on u.email = s.email`,
      [JSON.stringify(staff.map(({ email, role }) => ({ email, role }))), anchor.toISOString()],
    );
    step('kontor schema and staff');

    // Statistics first, so that the warm-up's plans use the indexes they are meant to.
    await client.query('analyze');
    step('analyze');
    await warmUp(url);
    step('warm-up');
    await client.query('analyze');
    step('analyze');
    // Last: other code reads this comment as "the demo is complete".
    const db = (await client.query<{ db: string }>('select current_database() as db')).rows[0].db;
    await client.query(`comment on database ${client.escapeIdentifier(db)} is ${client.escapeLiteral(demoComment(anchor, size))}`);
  } finally {
    await Promise.all([client, ...others].map((c) => c.end().catch(() => undefined)));
  }
}

/** The file that creates the build's helpers (pg_temp): every lane's session runs it. */
const HELPERS = '00_cluster.sql';

async function runSql(client: pg.Client, file: string, text: string) {
  try {
    await client.query(text);
  } catch (err) {
    const e = err as Error & { position?: string };
    const line = e.position ? text.slice(0, Number(e.position)).split('\n').length : undefined;
    throw new Error(`demo build failed in sql/${file}${line ? ` near line ${line}` : ''}: ${e.message}`, { cause: err });
  }
}

/**
 * The build's session: nothing in it needs durability before the comment is written (a crashed
 * build is rebuilt), and bulk loads and index builds want memory. None of this changes the rows.
 */
const SESSION_SETTINGS = [
  'set client_min_messages = warning',
  'set synchronous_commit = off',
  // Before the first temporary table: the staging tables (tu, tp, tt, tm) stay in memory.
  "set temp_buffers = '1GB'",
  "set work_mem = '256MB'",
  "set maintenance_work_mem = '512MB'",
  'set max_parallel_maintenance_workers = 2',
];

function stepTimer(log: ((line: string) => void) | undefined) {
  let last = performance.now();
  return (name: string) => {
    const now = performance.now();
    log?.(`${name}: ${((now - last) / 1000).toFixed(1)} s`);
    last = now;
  };
}

async function migrateKontor(url: string) {
  const db = createDb<unknown>(url, { max: 1 });
  try {
    const { error } = await migrateToLatest(db);
    if (error) throw error;
  } finally {
    await db.destroy();
  }
}
