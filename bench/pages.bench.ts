/**
 * Whole pages (issue 22): what a person waits for. Each console page over HTTP against `next start`
 * (the production build), signed in as admin, 2 warm-ups then 10 runs, time to the last byte of the
 * streamed page, p50 and max; every page on the benchmark-size demo, the Database pages also on the
 * 5,000-table schema. Beside each page, the SQL its last run sent, replayed alone by psql (the server
 * logs its statements with KONTOR_QUERY_LOG, db/query-log.ts). A run that ends in the error boundary,
 * answers an error status or shows a timeout message is a failure, not a time.
 *
 * - BENCH_SCALE_URL: the benchmark-size demo to use (a copy: `create database x template kontor_bench`);
 *   else bench/scale.ts's, built once if missing.
 * - BENCH_PAGES_PORT: the port for `next start` (else a free one). The build is reused when it is newer
 *   than every source file, else `next build` runs first; BENCH_PAGES_REUSE_BUILD=1 reuses .next as it is
 *   (to time an earlier build kept aside).
 * - BENCH_ONLY matching a case below ("http /finance/statement", "http /database/tables (5,000 tables)")
 *   runs only those; the section of BENCHMARKS.md is written only by a run of them all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { freePort } from '@/db/embedded';
import { DEMO_STAFF } from '@/db/demo/accounts';
import { DEMO_SESSION_COOKIE, issueDemoSession } from '@/lib/auth/demo';
import { openSession, SERVER_SESSION_COOKIE } from '@/lib/auth/server-sessions';
import { nodeOptions } from '@/scripts/node-options';
import type { BenchContext } from '@/bench/types';
import { replayScript, type LoggedQuery } from '@/bench/pages-replay';
import { psqlTimeAsync } from '@/bench/sql-replay';
import { failureOf } from '@/bench/pages-failure';
import { createDb } from '@/db/connect';

// eslint-disable-next-line no-restricted-properties -- the benchmark's own options, and the environment it hands to next
const ENV = process.env;
const WARMUPS = 2;
const RUNS = Number(ENV.BENCH_PAGE_RUNS ?? 10);
const SQL_REPS = 3;
const DIR = path.resolve('.kontor/bench-pages');
/** A page that takes longer than this is a failure ("no answer"); the run goes on. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The pages, by route; [id] parts are filled from the database. */
const DEMO_PAGES = [
  '/', '/database/tables', '/database/tables/[schema]/[table]', '/database/indexes', '/database/activity', '/database/queries',
  '/database/policies', '/database/access', '/database/access/test', '/database/advisors',
  '/users', '/users?q=[email]', '/users/[user]', '/payments', '/payments/[payment]', '/tasks', '/tasks/[task]', '/tasks/queue', '/workers',
  '/finance/reconciliation', '/finance/statement', '/finance/statement?period=day&day=2026-11-19', '/finance/usage-costs',
  '/finance/usage-costs?period=day&day=2026-11-19', '/finance/statement?period=custom&from=2026-11-09&to=2026-11-15',
  '/finance/usage-costs?period=custom&from=2026-11-09&to=2026-11-15', '/finance/billing', '/finance/accounts/[user]',
  '/audit', '/approvals', '/staff',
] as const;
const SCHEMA_PAGES = [
  '/database/tables', '/database/tables/app_01/table_00001', '/database/indexes', '/database/activity', '/database/queries',
  '/database/policies', '/database/access', '/database/access/test', '/database/advisors',
] as const;
const SCHEMA_LABEL = '(5,000 tables)';

export const CASES: readonly string[] = [...DEMO_PAGES.map((p) => `http ${p}`), ...SCHEMA_PAGES.map((p) => `http ${p} ${SCHEMA_LABEL}`)];

export interface PageResult {
  name: string;
  database: 'demo' | 'schema';
  p50: number | null;
  max: number | null;
  sqlMs: number | null;
  statements: number;
  sqlNote: string;
  load: [number, number];
  failure: string | null;
  /** How long the background jobs its first view started ran before the timing (0: none). */
  jobsMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line: string) => console.error(`[bench pages] ${line}`);

/** Whether .next holds a production build of the sources as they are (newer than every file they are made of). */
function buildIsCurrent(): boolean {
  const id = path.resolve('.next/BUILD_ID');
  if (!fs.existsSync(id)) return false;
  const built = fs.statSync(id).mtimeMs;
  const newer = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name !== 'node_modules' && newer(p);
    return /\.(tsx?|css|json)$/.test(e.name) && fs.statSync(p).mtimeMs > built;
  });
  return !['app', 'components', 'lib', 'db'].some((d) => newer(path.resolve(d))) && !['next.config.ts', 'proxy.ts', 'package.json'].some((f) => fs.statSync(f).mtimeMs > built);
}

interface Server {
  base: string;
  logFile: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

async function startServer(url: string, env: NodeJS.ProcessEnv, port: number, name: string): Promise<Server> {
  fs.mkdirSync(DIR, { recursive: true });
  const logFile = path.join(DIR, `${name}.queries.jsonl`);
  fs.writeFileSync(logFile, '');
  const out = fs.openSync(path.join(DIR, `${name}.server.log`), 'w');
  const child = spawn(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'start', '--port', String(port)], {
    // KONTOR_SCHEDULE off: the pages are timed, not the schedule's runs beside them (nor logged with theirs).
    env: { ...env, DATABASE_URL: url, KONTOR_QUERY_LOG: logFile, KONTOR_SCHEDULE: 'off', NODE_OPTIONS: nodeOptions(), NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}): see ${DIR}/${name}.server.log`);
    try {
      const res = await fetch(`${base}/login`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 120) {
      await stop();
      throw new Error('next start did not answer within a minute');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, logFile, child, stop };
}

/** The admin's cookies, minted as demo sign-in mints them (so the run times pages, not bcrypt). */
async function adminCookie(url: string, secret: string, { addStaff }: { addStaff: boolean }): Promise<string> {
  const db = createDb(url, { max: 1 });
  try {
    const admin = DEMO_STAFF.find((s) => s.role === 'admin')!;
    if (addStaff) {
      // The 5,000-table schema has no product users: its admin is a kontor.staff row alone.
      await sql`insert into kontor.staff (user_id, email, role) select ${crypto.randomUUID()}::uuid, ${admin.email}, 'admin'
        where not exists (select 1 from kontor.staff where email = ${admin.email})`.execute(db);
    }
    const { rows: [row] } = await sql<{ id: string }>`select user_id::text as id from kontor.staff where email = ${admin.email}`.execute(db);
    if (!row) throw new Error(`${admin.email} is not staff in ${url.replace(/:[^:@/]*@/, ':***@')}`);
    const token = await issueDemoSession({ userId: row.id, email: admin.email }, secret);
    return `${DEMO_SESSION_COOKIE}=${token}; ${SERVER_SESSION_COOKIE}=${await openSession(db, row.id)}`;
  } finally {
    await db.destroy();
  }
}

/** Keys for the detail pages: a user with payments and tasks, one of their payments and tasks, the largest table. */
async function demoKeys(url: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: [r] } = await c.query<Record<string, string>>(`
      with p as (select id::text as payment, user_id from public.payments order by id offset 1000 limit 1)
      select p.payment, p.user_id::text as "user", (select email from public.users where id = p.user_id) as email,
        (select id::text from public.tasks where user_id = p.user_id limit 1) as task,
        (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname = 'public' order by pg_total_relation_size(c.oid) desc limit 1) as schema,
        (select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname = 'public' order by pg_total_relation_size(c.oid) desc limit 1) as "table"
      from p`);
    return { ...r, email: r.email.slice(0, 4) };
  } finally {
    await c.end();
  }
}

async function fetchPage(base: string, page: string, cookie: string): Promise<{ ms: number; status: number; body: string }> {
  const t = performance.now();
  try {
    const res = await fetch(`${base}${page}`, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await res.text();
    return { ms: performance.now() - t, status: res.status, body };
  } catch (err) {
    return { ms: performance.now() - t, status: 0, body: String((err as Error).message) };
  }
}

/** How long the background jobs a page starts may take before its timing goes on regardless. */
const JOB_WAIT_MS = 15 * 60_000;

/**
 * Waits for the background jobs a page's first view started (a day's statement lines, the queue's
 * snapshot): the page is timed as staff see it once they are done, with the stored figures and their
 * age. How long they took is logged.
 */
async function jobsDone(url: string, name: string): Promise<number> {
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      // A database without Kontor's jobs table (the 5,000-table schema before its first page) runs none.
      const { rows: [t] } = await client.query<{ jobs: string | null }>(`select to_regclass('kontor.jobs')::text as jobs`);
      if (!t.jobs) break;
      const { rows: [r] } = await client.query<{ n: string; kinds: string | null }>(
        `select count(*)::text as n, string_agg(kind, ', ') as kinds from kontor.jobs where state = 'running' and heartbeat_at > clock_timestamp() - interval '30 seconds'`);
      if (r.n === '0') break;
      if (performance.now() - t0 > JOB_WAIT_MS) { log(`${name}: jobs still running after ${JOB_WAIT_MS / 60_000} min (${r.kinds}); timing anyway`); break; }
      await new Promise((res) => setTimeout(res, 1000));
    }
  } finally {
    await client.end();
  }
  const ms = performance.now() - t0;
  if (ms > 1500) log(`${name}: waited ${(ms / 1000).toFixed(0)} s for the background jobs its first view started`);
  return ms > 1500 ? ms : 0;
}

/** Times one page: its first view and the jobs it starts, warm-ups, runs, then replays the statements of its last run. */
async function timePage(server: Server, url: string, cookie: string, page: string, name: string, database: PageResult['database']): Promise<PageResult> {
  await fetchPage(server.base, page, cookie);
  const jobsMs = await jobsDone(url, name);
  for (let i = 0; i < WARMUPS; i++) await fetchPage(server.base, page, cookie);
  const load0 = os.loadavg()[0];
  const times: number[] = [];
  let failure: string | null = null;
  let from = 0;
  let to = 0;
  for (let i = 0; i < RUNS; i++) {
    from = fs.statSync(server.logFile).size;
    const r = await fetchPage(server.base, page, cookie);
    await new Promise((res) => setTimeout(res, 50)); // the last statements' lines
    to = fs.statSync(server.logFile).size;
    failure ??= failureOf(r.status, r.body);
    times.push(r.ms);
  }
  const load1 = os.loadavg()[0];
  const lines = fs.readFileSync(server.logFile, 'utf8').slice(from, to).split('\n').filter(Boolean).map((l) => JSON.parse(l) as LoggedQuery);
  const script = replayScript(lines);
  let sqlMs: number | null = null;
  let sqlNote = '';
  if (script.statements > 0) {
    const runs = [];
    // One at a time, and never blocking: this process drains the schema cluster's log (sql-replay.ts).
    for (let i = 0; i < SQL_REPS; i++) runs.push(await psqlTimeAsync(url, path.join(DIR, 'replay.sql'), script, { stopOnError: false }));
    sqlMs = median(runs.map((r) => r.ms));
    const errors = runs[0].errors;
    if (errors.length) sqlNote = `${errors.length} failed in psql too: ${errors[0]}`;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const result: PageResult = {
    name, database, p50: median(times), max: sorted[sorted.length - 1], sqlMs, statements: script.statements, sqlNote, load: [load0, load1], failure, jobsMs,
  };
  log(`${name}: p50 ${result.p50!.toFixed(0)} ms, max ${result.max!.toFixed(0)} ms, SQL ${sqlMs?.toFixed(0) ?? '–'} ms (${script.statements} statements)${failure ? `, FAILED: ${failure}` : ''}`);
  return result;
}

function fill(route: string, keys: Record<string, string>): string {
  return route.replace(/\[(\w+)\]/g, (_, k: string) => encodeURIComponent(keys[k] ?? ''));
}

export async function run(ctx: BenchContext) {
  const only = ENV.BENCH_ONLY ? new RegExp(ENV.BENCH_ONLY) : null;
  const wanted = (name: string) => !only || only.test('pages.bench.ts') || only.test(name);
  const results: PageResult[] = [];
  if (ENV.BENCH_PAGES_REUSE_BUILD !== '1' && !buildIsCurrent()) {
    log('building the console (next build): the sources are newer than .next');
    const r = spawnSync(process.execPath, [path.resolve('node_modules/next/dist/bin/next'), 'build'], {
      stdio: 'inherit', env: { ...ENV, NODE_OPTIONS: nodeOptions(), NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error('next build failed');
  }
  const port = Number(ENV.BENCH_PAGES_PORT ?? (await freePort()));
  const secret = crypto.randomBytes(32).toString('base64url');
  const base: NodeJS.ProcessEnv = { ...ENV, KONTOR_AUTH: 'demo', KONTOR_SECRET: secret };
  delete base.BENCH_ONLY;
  const started = new Date();
  const load0 = os.loadavg();

  // A variable specifier, as the other product benchmarks: bench/scale.ts builds the demo once.
  const scaleModule = '@/bench/scale';
  const scaleUrl = ENV.BENCH_SCALE_URL ?? (await ((await import(scaleModule)) as { scaleDemoUrl: (l: (s: string) => void) => Promise<string> }).scaleDemoUrl(log));
  const demoCases = DEMO_PAGES.map((p) => [p, `http ${p}`] as const).filter(([, n]) => wanted(n));
  if (demoCases.length) {
    const keys = await demoKeys(scaleUrl);
    const server = await startServer(scaleUrl, { ...base, KONTOR_PRESET: 'demo' }, port, 'demo');
    try {
      const cookie = await adminCookie(scaleUrl, secret, { addStaff: false });
      for (const [route, name] of demoCases) results.push(await timePage(server, scaleUrl, cookie, fill(route, keys), name, 'demo'));
    } finally {
      await server.stop();
    }
  }
  const schemaCases = SCHEMA_PAGES.map((p) => [p, `http ${p} ${SCHEMA_LABEL}`] as const).filter(([, n]) => wanted(n));
  if (schemaCases.length) {
    // No product tables there: the console detects (and finds none) rather than read the demo's preset.
    const env = { ...base };
    delete env.KONTOR_PRESET;
    const server = await startServer(ctx.url, env, port, 'schema');
    try {
      const cookie = await adminCookie(ctx.url, secret, { addStaff: true });
      for (const [page, name] of schemaCases) results.push(await timePage(server, ctx.url, cookie, page, name, 'schema'));
    } finally {
      await server.stop();
    }
  }

  for (const r of results) {
    ctx.log({
      name: r.name, kind: 'page', kontorMs: r.p50 ?? NaN, sqlMs: r.sqlMs, reps: RUNS,
      note: `whole page over HTTP, max ${r.max?.toFixed(0)} ms; ${r.statements} statements${r.failure ? `; FAILED: ${r.failure}` : ''}`,
    });
  }
  if (results.length === CASES.length) {
    const { writePagesSection } = await import('@/bench/pages-report');
    writePagesSection(results, { started, load0, load1: os.loadavg(), runs: RUNS, warmups: WARMUPS, sqlReps: SQL_REPS });
    log('wrote the whole-page section of BENCHMARKS.md');
  }
}
