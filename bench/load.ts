/**
 * Load: CLIENTS signed-in staff clients (default 50, ten per demo role), each opening a page of its
 * role's areas every INTERVAL s (default 5) for DURATION s (default 60), against the production build
 * on the embedded demo. Loopback only. Prints the requests, errors, latency quantiles, throughput and
 * the machine's load, as a Markdown block for BENCHMARKS.md.
 *
 *   npm run build && PORT=3316 npm start                     # the console on the demo (.kontor)
 *   npx tsx bench/load.ts --url http://127.0.0.1:3316         # in another terminal
 *
 * --home DIR: the checkout's .kontor (its secret and demo cluster); default .kontor.
 * Sessions are minted as demo sign-in mints them (the signed cookie and its kontor.sessions row), from
 * the checkout's .kontor/secret and the demo database, so the run measures pages, not bcrypt.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { DEMO_STAFF } from '@/db/demo/accounts';
import { DEMO_SESSION_COOKIE, issueDemoSession } from '@/lib/auth/demo';
import { openSession, SERVER_SESSION_COOKIE } from '@/lib/auth/server-sessions';
import { navFor } from '@/lib/nav';
import { createDb } from '@/db/connect';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const BASE = new URL(arg('url', 'http://127.0.0.1:3000'));
const CLIENTS = Number(arg('clients', '50'));
const INTERVAL_MS = Number(arg('interval', '5')) * 1000;
const DURATION_MS = Number(arg('duration', '60')) * 1000;
const HOME = path.resolve(arg('home', '.kontor'));

if (!['127.0.0.1', 'localhost', '[::1]'].includes(BASE.hostname)) {
  console.error(`bench/load.ts runs against this machine only, not ${BASE.hostname}.`);
  process.exit(2);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main() {
  const state = JSON.parse(fs.readFileSync(path.join(HOME, 'pg17.state.json'), 'utf8')) as { port: number };
  const secret = fs.readFileSync(path.join(HOME, 'secret'), 'utf8').trim();
  const db = createDb(`postgres://postgres:postgres@127.0.0.1:${state.port}/kontor_demo`, { max: 2 });
  const clients: { role: string; cookie: string; pages: string[] }[] = [];
  try {
    const { rows } = await sql<{ id: string; email: string }>`
      select s.user_id::text as id, s.email from kontor.staff s where s.email = any(${DEMO_STAFF.map((s) => s.email)})`.execute(db);
    for (let i = 0; i < CLIENTS; i++) {
      const staff = DEMO_STAFF[i % DEMO_STAFF.length];
      const user = rows.find((r) => r.email === staff.email);
      if (!user) throw new Error(`${staff.email} is not staff in the demo: run npm run demo:reset`);
      const identity = { userId: user.id, email: user.email };
      const cookie = `${DEMO_SESSION_COOKIE}=${await issueDemoSession(identity, secret)}; ${SERVER_SESSION_COOKIE}=${await openSession(db, user.id)}`;
      clients.push({ role: staff.role, cookie, pages: navFor(staff.role).map((a) => a.href) });
    }
  } finally {
    await db.destroy();
  }

  const results: { page: string; ms: number; status: number }[] = [];
  const load0 = os.loadavg();
  const t0 = performance.now();
  await Promise.all(clients.map(async (c, i) => {
    // Staggered over the first interval, as people arrive.
    await new Promise((r) => setTimeout(r, (i * INTERVAL_MS) / CLIENTS));
    for (let n = 0; performance.now() - t0 < DURATION_MS; n++) {
      const started = performance.now();
      const page = c.pages[(i + n) % c.pages.length];
      let status = 0;
      try {
        const res = await fetch(new URL(page, BASE), { headers: { cookie: c.cookie }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0;
      }
      const ms = performance.now() - started;
      results.push({ page, ms, status });
      await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL_MS - ms)));
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const load1 = os.loadavg();

  const ok = results.filter((r) => r.status === 200);
  const errors = results.length - ok.length;
  const all = results.map((r) => r.ms).sort((a, b) => a - b);
  const byPage = new Map<string, number[]>();
  for (const r of results) byPage.set(r.page, [...(byPage.get(r.page) ?? []), r.ms]);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  const lines = [
    `Load run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${CLIENTS} clients (${DEMO_STAFF.map((s) => s.role).join(', ')} in turn), a page of their role's areas every ${INTERVAL_MS / 1000} s for ${DURATION_MS / 1000} s, against \`npm start\` on the demo; ${os.cpus().length} cores, load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after (1 min).`,
    '',
    '| requests | errors | req/s | p50 | p95 | p99 | max |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${results.length} | ${errors} | ${(results.length / seconds).toFixed(1)} | ${fmt(quantile(all, 0.5))} | ${fmt(quantile(all, 0.95))} | ${fmt(quantile(all, 0.99))} | ${fmt(all.at(-1) ?? NaN)} |`,
    '',
    '| page | requests | p50 | p95 |',
    '|---|---:|---:|---:|',
    ...[...byPage].sort((a, b) => quantile([...b[1]].sort((x, y) => x - y), 0.95) - quantile([...a[1]].sort((x, y) => x - y), 0.95))
      .map(([page, ms]) => { const s = [...ms].sort((a, b) => a - b); return `| ${page} | ${s.length} | ${fmt(quantile(s, 0.5))} | ${fmt(quantile(s, 0.95))} |`; }),
  ];
  if (errors) {
    const statuses = new Map<number, number>();
    for (const r of results) if (r.status !== 200) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    lines.push('', `Errors by status: ${[...statuses].map(([s, n]) => `${s || 'no answer'}: ${n}`).join(', ')}.`);
  }
  console.log(lines.join('\n'));
  process.exitCode = errors ? 1 : 0;
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
