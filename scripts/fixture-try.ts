/**
 * `npx tsx scripts/fixture-try.ts <fixture> [--keep]`: builds one fixture (db/fixtures/<fixture>) into
 * a throwaway PostgreSQL 17 cluster of its own under .kontor/try/<pid>, prints each product table's
 * row count, then stops the cluster and removes it. `--keep` leaves it running and prints its URL
 * (Ctrl-C stops it). For writing fixtures: the same build the tests and `KONTOR_FIXTURE` use.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startCluster } from '@/db/embedded';
import { buildFixture } from '@/db/fixtures/build';

const name = process.argv[2];
if (!name) {
  console.error('usage: tsx scripts/fixture-try.ts <fixture> [--keep]');
  process.exit(2);
}
const keep = process.argv.includes('--keep');
const dataDir = path.resolve(`.kontor/try/${process.pid}`);
const cluster = await startCluster({ dataDir, major: 17, fast: true });
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
  await buildFixture(cluster.url('fixture'), name, { anchor: new Date('2026-11-20T12:00:00Z') });
  console.log(`built ${name} in ${Date.now() - started} ms (anchor 2026-11-20T12:00:00Z)`);
  const c = new pg.Client(cluster.url('fixture'));
  await c.connect();
  const { rows } = await c.query(`select schemaname || '.' || relname as t, n_live_tup::int as n from pg_stat_user_tables
    where schemaname not in ('auth', 'storage', 'kontor') order by 1`);
  for (const r of rows) console.log(`  ${String(r.t).padEnd(48)} ${r.n}`);
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
