/**
 * Every domain page on each product's real-schema fixture scaled to 1M users (issue 21): the whole
 * page over HTTP from `next start` (the production build), signed in as admin, 2 warm-ups then RUNS
 * timed runs, p50 and max. A page that ends in the error boundary or says a read failed or timed out
 * is a failure, not a time. Target: every page under 1 s.
 *
 *   BENCH_ONLY=fixtures npm run bench                      # within the benchmark run
 *   npx tsx bench/fixtures.bench.ts [fixture...]            # alone: prints the rows (and a Markdown table)
 *   npx tsx bench/fixtures.bench.ts --build reigh-2026      # only build (or reuse) the fixture's cluster
 *
 * Each fixture is built once (db/fixtures/build.ts, users: FIXTURE_USERS) into a cluster of its own
 * under .kontor/bench-fixtures/<fixture>, database `fixture_1m`; the database comment, written last,
 * marks it complete and a later run reuses it. BENCH_FIXTURES_DROP=1 removes each fixture's cluster once
 * its numbers are taken (disk: a few GB each); BENCH_FIXTURE_RUNS (default 5) timed runs per page;
 * BENCH_FIXTURE_PORT the console's port (default: a free one); BENCH_FIXTURE_PAGES a regular expression: only
 * the pages it matches. Needs `npm run build` (run if .next is missing).
 *
 * A page whose figures a background job computes and stores (the queue's snapshot, the billing checks)
 * starts that job on its first view and shows "being computed" until it ends: every page is opened once
 * and the jobs are waited for before any timing, so the times are of the pages as staff see them then
 * (the stored figures, with their age). How long the jobs took is logged.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { freePort, startCluster, type Cluster } from '@/db/embedded';
import { buildFixture, fixtureComment, getFixture } from '@/db/fixtures/build';
import { DEMO_SESSION_COOKIE, issueDemoSession } from '@/lib/auth/demo';
import { openSession, SERVER_SESSION_COOKIE } from '@/lib/auth/server-sessions';
import { bestVariant, readCatalog } from '@/lib/mapping/detect';
import { CONCEPTS, parseMapping } from '@/lib/mapping/schema';
import { navFor } from '@/lib/nav';
import type { BenchContext, BenchRow } from '@/bench/types';
import { withClient } from '@/bench/scale';
import { createDb } from '@/db/connect';

/** One fixture per product: the newest schema of each. */
export const BENCH_FIXTURES = ['reigh-2026', 'story-app-2026-02', 'aethercrown98-013b50c', 'ai-social-2025-08', 'seydam-fe43247'];
export const FIXTURE_USERS = 1_000_000;
const DB = 'fixture_1m';
const DIR = path.resolve('.kontor/bench-fixtures');
/** A fixed "now", as bench/scale.ts: every machine builds the same rows. */
const ANCHOR = new Date('2026-11-20T12:00:00Z');
// eslint-disable-next-line no-restricted-properties -- the benchmark's own options, not the app's configuration
const OPTIONS = { runs: process.env.BENCH_FIXTURE_RUNS, port: process.env.BENCH_FIXTURE_PORT, drop: process.env.BENCH_FIXTURES_DROP, pages: process.env.BENCH_FIXTURE_PAGES, env: process.env };
const RUNS = Number(OPTIONS.runs ?? 5);
const WARMUPS = 2;
/** Each request's limit: a page that takes longer is a failure (the target is 1 s). */
const REQUEST_TIMEOUT_MS = 60_000;
/** What a page shows when it could not be read: the error boundary, a read that failed or timed out. */
// (Not "This page does not exist": every page's flight data carries the not-found boundary; a 404 is its status.
// Not "timed out" alone: tasks' own error messages say it.)
const FAILED = /could not be shown|could not be read|statement timeout|canceling statement|Product figures unavailable/i;
/** The console areas that are the product's pages (the Database, audit, approvals and staff pages are Kontor's own). */
const DOMAIN = /^\/($|users|payments|tasks|workers|finance)/;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The fixture's cluster, started (or attached to) and holding a complete 1M-user build: built when
 * the database comment does not say so (a few minutes to tens of minutes, once).
 */
export async function fixtureCluster(fixture: string, log: (line: string) => void): Promise<{ cluster: Cluster; url: string }> {
  getFixture(fixture);
  const cluster = await startCluster({
    dataDir: path.join(DIR, fixture), major: 17, fast: true, log,
    // At most 1 GB: memory is shared. WAL kept to 1 GB: disk is tight, and with fsync off checkpoints are cheap.
    settings: { shared_buffers: '1GB', max_wal_size: '1GB', checkpoint_timeout: '30min' },
  });
  const comment = `${fixtureComment(fixture, ANCHOR)} users ${FIXTURE_USERS}`;
  await withClient(cluster.url(), async (admin) => {
    const found = await admin.query<{ c: string | null }>(`select shobj_description(oid, 'pg_database') as c from pg_database where datname = $1`, [DB]);
    if (found.rows[0]?.c === comment) return;
    log(`building ${fixture} at ${FIXTURE_USERS} users in ${path.join(DIR, fixture)} (once)`);
    const started = performance.now();
    await admin.query(`drop database if exists ${DB} with (force)`);
    await admin.query(`create database ${DB}`);
    await buildFixture(cluster.url(DB), fixture, { anchor: ANCHOR, users: FIXTURE_USERS, log: (line) => log(`  ${line}`) });
    // The build's own comment, with the size: a build at another size is not reused.
    await admin.query(`comment on database ${DB} is ${admin.escapeLiteral(comment)}`);
    log(`built ${fixture} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  });
  // A cluster built by an earlier version of Kontor gets this version's migrations (the console refuses an old schema).
  const { migrateToLatest } = await import('@/db/migrate');
  const db = createDb<unknown>(cluster.url(DB), { max: 1 });
  try {
    const { error } = await migrateToLatest(db);
    if (error) throw error;
  } finally {
    await db.destroy();
  }
  return { cluster, url: cluster.url(DB) };
}

/** The pages to time: the product's domain areas an admin sees, and a detail page of each concept that has one. */
async function pagesOf(url: string, presetName: string): Promise<string[]> {
  const db = createDb(url, { max: 1 });
  let preset;
  try {
    const variant = bestVariant(presetName, await readCatalog(db));
    if (!variant) throw new Error(`no version of preset ${presetName} reads this fixture`);
    preset = parseMapping(variant);
  } finally {
    await db.destroy();
  }
  const available = CONCEPTS.filter((c) => preset[c]);
  const pages = navFor('admin', available).map((a) => a.href).filter((href) => DOMAIN.test(href));
  // A row in the middle of the key order, as an arbitrary user, task or payment is.
  const middleKey = (table: { schema: string; name: string }, key: string) => withClient(url, async (c) => {
    const id = (x: string) => c.escapeIdentifier(x);
    const t = `${id(table.schema)}.${id(table.name)}`;
    const { rows } = await c.query<{ k: string }>(
      `select ${id(key)}::text as k from ${t} order by ${id(key)} offset (select count(*) / 2 from ${t}) limit 1`);
    return rows[0]?.k;
  });
  if (preset.users) pages.push(`/users/${await middleKey(preset.users.table, preset.users.key)}`);
  if (preset.payments && !preset.payments.key.includes('->')) pages.push(`/payments/${await middleKey(preset.payments.table, preset.payments.key)}`);
  if (preset.tasks) pages.push(`/tasks/${await middleKey(preset.tasks.table, preset.tasks.key)}`);
  return pages.filter((p) => !p.endsWith('/undefined'));
}

/** An admin's cookies, minted as the demo sign-in mints them (signed cookie and kontor.sessions row). */
async function adminCookie(url: string, secret: string): Promise<string> {
  const db = createDb(url, { max: 1 });
  try {
    const { rows } = await sql<{ id: string; email: string }>`select user_id::text as id, email from kontor.staff where role = 'admin' order by email limit 1`.execute(db);
    if (!rows[0]) throw new Error('no admin in kontor.staff');
    const token = await issueDemoSession({ userId: rows[0].id, email: rows[0].email }, secret);
    return `${DEMO_SESSION_COOKIE}=${token}; ${SERVER_SESSION_COOKIE}=${await openSession(db, rows[0].id)}`;
  } finally {
    await db.destroy();
  }
}

let lastServerError = '';

async function startConsole(url: string, preset: string, secret: string): Promise<{ base: string; server: ChildProcess }> {
  if (!fs.existsSync('.next/BUILD_ID')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
  const port = Number(OPTIONS.port ?? 0) || await freePort();
  const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '--port', String(port)], {
    env: { ...OPTIONS.env, DATABASE_URL: url, KONTOR_SCHEDULE: 'off', KONTOR_AUTH: 'demo', KONTOR_PRESET: preset, KONTOR_SECRET: secret, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The last error the server logged, to name a failure's cause.
  server.stderr?.on('data', (chunk: Buffer) => {
    const line = chunk.toString().split('\n').find((l) => /Error/.test(l));
    if (line) lastServerError = line.replace(/^\W+/, '').slice(0, 200);
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${base}/login`).then(() => true, () => false)) return { base, server };
    await new Promise((r) => setTimeout(r, 500));
  }
  server.kill('SIGTERM');
  throw new Error('the console did not start');
}

/** One request of the whole page (the streamed body to its end): its time, or why it failed. */
async function fetchPage(base: string, page: string, cookie: string): Promise<{ ms: number; failure?: string }> {
  const started = performance.now();
  lastServerError = '';
  try {
    const res = await fetch(`${base}${page}`, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const html = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) return { ms, failure: `HTTP ${res.status}${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}` };
    // A section streamed after the shell arrives in the inline flight data: an error thrown there is
    // sent as its digest (the error boundary renders it in the browser), a handled one as its message.
    const digest = /digest\\?":\\?"([^"\\]+)/.exec(html);
    if (digest) return { ms, failure: `error boundary: ${lastServerError || `digest ${digest[1]}`}` };
    const failed = FAILED.exec(html);
    return failed ? { ms, failure: `shows "${failed[0]}"` } : { ms };
  } catch (err) {
    return { ms: performance.now() - started, failure: (err as Error).name === 'TimeoutError' ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s` : (err as Error).message };
  }
}

/** Opens every page once, then waits for the background jobs they started: how long, or null when none ran. */
async function primeJobs(url: string, base: string, pages: string[], cookie: string): Promise<number | null> {
  const started = performance.now();
  for (const page of pages) await fetchPage(base, page, cookie);
  const running = () => withClient(url, async (c) => Number((await c.query<{ n: string }>(`select count(*) as n from kontor.jobs where state = 'running'`)).rows[0].n));
  let waited = false;
  while (await running() > 0) {
    if (performance.now() - started > 15 * 60_000) throw new Error('the pages\' background jobs ran over 15 min');
    waited = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return waited ? performance.now() - started : null;
}

export interface PageTiming {
  fixture: string;
  page: string;
  p50: number;
  max: number;
  runs: number;
  failure?: string;
}

/** Times every page of one fixture; the rows as they come. */
export async function benchFixture(fixture: string, log: (line: string) => void): Promise<PageTiming[]> {
  const { cluster, url } = await fixtureCluster(fixture, log);
  const secret = crypto.randomBytes(32).toString('base64url');
  const { preset } = getFixture(fixture);
  const results: PageTiming[] = [];
  let server: ChildProcess | undefined;
  try {
    const only = OPTIONS.pages ? new RegExp(OPTIONS.pages) : null;
    const pages = (await pagesOf(url, preset)).filter((p) => !only || only.test(p));
    const cookie = await adminCookie(url, secret);
    const started = await startConsole(url, preset, secret);
    server = started.server;
    const jobsMs = await primeJobs(url, started.base, pages, cookie);
    if (jobsMs !== null) log(`${fixture}: the pages' background jobs ran ${Math.round(jobsMs / 1000)} s before the timings`);
    for (const page of pages) {
      const times: number[] = [];
      let failure: string | undefined;
      for (let i = 0; i < WARMUPS + RUNS && !failure; i++) {
        const r = await fetchPage(started.base, page, cookie);
        failure = r.failure;
        if (i >= WARMUPS || failure) times.push(r.ms);
        // A page ten times over its target: three timed runs say enough.
        if (times.length >= 3 && Math.max(...times) > 10_000) break;
      }
      const row = { fixture, page, p50: median(times), max: Math.max(...times), runs: times.length, failure };
      log(`${fixture} ${page}: ${failure ? `FAILED (${failure}) after ${Math.round(row.max)} ms` : `p50 ${Math.round(row.p50)} ms, max ${Math.round(row.max)} ms`}`);
      results.push(row);
    }
  } finally {
    server?.kill('SIGTERM');
    await cluster.stop();
  }
  if (OPTIONS.drop === '1') fs.rmSync(path.join(DIR, fixture), { recursive: true, force: true });
  return results;
}

function toRow(t: PageTiming): BenchRow {
  return {
    name: `fixture ${t.fixture} (1M users) page ${t.page}`,
    kind: 'page',
    kontorMs: t.failure ? NaN : t.p50,
    sqlMs: null,
    reps: t.runs,
    note: t.failure ? `failed: ${t.failure}` : `whole page over HTTP, p50; max ${Math.round(t.max)} ms; target 1 s${t.max > 1000 ? ' (over)' : ''}`,
  };
}

export function markdown(rows: PageTiming[]): string {
  const load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  return [
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${load} at the end; ${WARMUPS} warm-ups then ${RUNS} runs per page.`,
    '',
    '| fixture (1M users) | page | p50 | max | |',
    '|---|---|---:|---:|---|',
    ...rows.map((r) => `| ${r.fixture} | ${r.page.replace(/^(\/(users|tasks|payments)\/)(?!queue$).+$/, '$1[id]')} | ${r.failure ? '–' : `${Math.round(r.p50)} ms`} | ${Math.round(r.max)} ms | ${r.failure ? `**failed**: ${r.failure}` : r.max > 1000 ? 'over 1 s' : ''} |`),
  ].join('\n');
}

/** `npm run bench` (BENCH_ONLY=fixtures): every product's fixture. */
export async function run(ctx: BenchContext) {
  for (const fixture of BENCH_FIXTURES) {
    try {
      for (const t of await benchFixture(fixture, (line) => console.error(`[bench] ${line}`))) ctx.log(toRow(t));
    } catch (err) {
      ctx.log({ name: `fixture ${fixture} (1M users)`, kind: 'page', kontorMs: NaN, sqlMs: null, reps: 0, note: `failed: ${(err as Error).message}` });
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('bench/fixtures.bench.ts')) {
  const args = process.argv.slice(2);
  const buildOnly = args.includes('--build');
  const fixtures = args.filter((a) => !a.startsWith('--'));
  const log = (line: string) => console.error(`[fixtures] ${line}`);
  const all: PageTiming[] = [];
  for (const fixture of fixtures.length ? fixtures : BENCH_FIXTURES) {
    if (buildOnly) {
      const { cluster } = await fixtureCluster(fixture, log);
      await cluster.stop();
      continue;
    }
    all.push(...await benchFixture(fixture, log));
  }
  if (all.length) console.log(markdown(all));
}
