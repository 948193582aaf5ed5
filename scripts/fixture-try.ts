/**
 * `npx tsx scripts/fixture-try.ts <fixture> [--users N] [--profile] [--keep]`: builds one fixture
 * (db/fixtures/<fixture>) into a throwaway PostgreSQL 17 cluster of its own under .kontor/try/<pid>,
 * prints each product table's row count, then stops the cluster and removes it. `--users N` builds
 * that many users instead of the fixture's default (every count follows it). `--profile` prints the
 * build's slowest statements (pg_stat_statements: each statement of a file separately). `--keep`
 * leaves it running and prints its URL (Ctrl-C stops it). For writing fixtures: the same build the
 * tests and `KONTOR_FIXTURE` use.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startCluster } from '@/db/embedded';
import { buildFixture } from '@/db/fixtures/build';

const args = process.argv.slice(2);
const name = args[0];
const usersArg = args.includes('--users') ? Number(args[args.indexOf('--users') + 1].replaceAll('_', '')) : undefined;
if (!name || name.startsWith('--') || (usersArg !== undefined && !(Number.isInteger(usersArg) && usersArg > 0))) {
  console.error('usage: tsx scripts/fixture-try.ts <fixture> [--users N] [--profile] [--keep]');
  process.exit(2);
}
const keep = args.includes('--keep');
const profile = args.includes('--profile');
const dataDir = path.resolve(`.kontor/try/${process.pid}`);
// Large builds sort and hash far more than the defaults allow in memory (memory is shared: 1GB at most).
const large = (usersArg ?? 0) >= 100_000;
const cluster = await startCluster({
  dataDir, major: 17, fast: true,
  settings: large ? { shared_buffers: '1GB', max_wal_size: '1GB', checkpoint_timeout: '30min' } : {},
});
const stop = async () => {
  await cluster.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
};
let code = 0;
try {
  const admin = new pg.Client(cluster.url());
  await admin.connect();
  await admin.query('create database fixture');
  await admin.end();
  const started = Date.now();
  await buildFixture(cluster.url('fixture'), name, { anchor: new Date('2026-11-20T12:00:00Z'), users: usersArg, log: (line) => console.log(`  ${line}`) });
  console.log(`built ${name}${usersArg ? ` at ${usersArg} users` : ''} in ${Date.now() - started} ms (anchor 2026-11-20T12:00:00Z)`);
  const c = new pg.Client(cluster.url('fixture'));
  await c.connect();
  const { rows } = await c.query(`select schemaname || '.' || relname as t, n_live_tup::int as n from pg_stat_user_tables
    where schemaname not in ('auth', 'storage', 'kontor') order by 1`);
  for (const r of rows) console.log(`  ${String(r.t).padEnd(48)} ${r.n}`);
  if (profile) {
    const slow = await c.query<{ ms: number; calls: number; q: string }>(`select round(total_exec_time)::int as ms, calls::int, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as q
      from extensions.pg_stat_statements s join pg_database d on d.oid = s.dbid
     where d.datname = current_database() order by total_exec_time desc limit 25`);
    console.log('slowest statements (ms, calls, text):');
    for (const r of slow.rows) console.log(`  ${String(r.ms).padStart(8)} ${String(r.calls).padStart(4)}  ${r.q}`);
  }
  await c.end();
  if (keep) {
    console.log(`running: ${cluster.url('fixture')}  (Ctrl-C stops it)`);
    process.on('SIGINT', () => void stop().then(() => process.exit(0)));
    await new Promise(() => undefined);
  }
} catch (err) {
  console.error((err as Error).message);
  code = 1;
}
await stop();
process.exit(code);
