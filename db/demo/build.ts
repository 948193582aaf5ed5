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
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { migrateToLatest } from '@/db/migrate';
import { warmUp } from '@/db/demo/warm-up';

export { warmUp };

/** Bumped whenever the demo's content changes; part of the database comment. */
export const DEMO_VERSION = '1';

export interface DemoOptions {
  /** Multiplies the row counts (default 1: 2,000 users, 20,000 payments, ~200,000 ledger rows). */
  scale?: number;
  /** The demo's "now"; default: now, truncated to the minute. */
  anchor?: Date;
}

const SQL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql');
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A bcrypt hash with a salt derived from `label`: real, verifiable, and the same on every build. */
export function fixedBcrypt(password: string, label: string): string {
  const bytes = crypto.createHash('sha256').update(`kontor-demo-salt:${label}`).digest();
  const salt = Array.from(bytes.subarray(0, 22), (b) => BCRYPT_ALPHABET[b % 64]).join('');
  return bcrypt.hashSync(password, `$2a$10$${salt}`);
}

export function demoComment(anchor: Date): string {
  return `kontor demo ${DEMO_VERSION} built ${anchor.toISOString()}`;
}

export function sqlFiles(): string[] {
  return fs
    .readdirSync(SQL_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

export async function buildDemo(url: string, opts: DemoOptions = {}): Promise<void> {
  const scale = opts.scale ?? 1;
  // Planted rows use fixed row numbers (up to user 47, task 602): below this the demo has none.
  if (!(scale >= 0.05)) throw new Error(`demo scale must be at least 0.05, got ${scale}`);
  const anchor = opts.anchor ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);

  const staff = DEMO_STAFF.map((s, n) => ({
    email: s.email,
    role: s.role,
    hash: fixedBcrypt(DEMO_PASSWORD, s.email),
    n: n + 1,
  }));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`select set_config('kontor_demo.anchor', $1, false), set_config('kontor_demo.scale', $2, false),
        set_config('kontor_demo.customer_hash', $3, false), set_config('kontor_demo.bulk_hash', $4, false),
        set_config('kontor_demo.staff', $5, false)`, [
      anchor.toISOString(),
      String(scale),
      fixedBcrypt(DEMO_CUSTOMER.password, DEMO_CUSTOMER.email),
      // Customers' passwords are unknown: one hash of an unguessable-enough secret for all of them.
      fixedBcrypt(crypto.createHash('sha256').update('kontor-demo-customers').digest('hex'), 'customers'),
      JSON.stringify(staff.map(({ email, hash, n }) => ({ email, hash, n }))),
    ]);
    await client.query(`set client_min_messages = warning`);
    for (const file of sqlFiles()) {
      const text = fs.readFileSync(path.join(SQL_DIR, file), 'utf8');
      try {
        await client.query(text);
      } catch (err) {
        const e = err as Error & { position?: string };
        const line = e.position ? text.slice(0, Number(e.position)).split('\n').length : undefined;
        throw new Error(`demo build failed in sql/${file}${line ? ` near line ${line}` : ''}: ${e.message}`, {
          cause: err,
        });
      }
    }

    await migrateKontor(url);
    await client.query(
      `insert into kontor.staff (user_id, email, role, created_at, updated_at)
       select u.id, s.email, s.role, $2, $2
       from jsonb_to_recordset($1::jsonb) as s(email text, role text)
       join auth.users u on u.email = s.email`,
      [JSON.stringify(staff.map(({ email, role }) => ({ email, role }))), anchor.toISOString()],
    );

    // Statistics first, so that the warm-up's plans use the indexes they are meant to.
    await client.query('analyze');
    await warmUp(url);
    await client.query('analyze');
    // Last: other code reads this comment as "the demo is complete".
    const db = (await client.query<{ db: string }>('select current_database() as db')).rows[0].db;
    await client.query(`comment on database ${client.escapeIdentifier(db)} is ${client.escapeLiteral(demoComment(anchor))}`);
  } finally {
    await client.end();
  }
}

async function migrateKontor(url: string) {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  try {
    const { error } = await migrateToLatest(db);
    if (error) throw error;
  } finally {
    await db.destroy();
  }
}
