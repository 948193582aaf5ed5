/**
 * The benchmark-size demo database for bench/*.bench.ts that measure the product pages: the demo at
 * `size: 'bench'` (1M users, ~10M ledger rows, 2M tasks, 1.5M payments; db/demo/README.md), in its
 * own embedded cluster under .kontor/bench-scale. It is built once (several minutes) and kept: the
 * database comment, written last by the build, says it is complete, and a later run reuses it.
 */
import path from 'node:path';
import pg from 'pg';
import { startCluster, type Cluster } from '@/db/embedded';
import { buildDemo, DEMO_VERSION, parseDemoComment, warmUp } from '@/db/demo/build';
import { KONTOR_DIR } from '@/db/runtime';
import { withClient } from '@/db/connect';

export const SCALE_DIR = path.join(KONTOR_DIR, 'bench-scale');
export const SCALE_DB = 'kontor_bench';
export const SCALE_SHARED_BUFFERS = '6GB';
/** A fixed "now", so that every machine builds the same rows and benchmarks compare. */
export const SCALE_ANCHOR = new Date('2026-11-20T12:00:00Z');

let cluster: Promise<Cluster> | undefined;

export { withClient };

/** Whether `db` holds a complete benchmark-size demo of this Kontor's demo version. */
async function isBuilt(c: pg.Client): Promise<boolean> {
  const r = await c.query<{ note: string | null }>(
    `select shobj_description(oid, 'pg_database') as note from pg_database where datname = $1`,
    [SCALE_DB],
  );
  const built = parseDemoComment(r.rows[0]?.note);
  return built?.version === DEMO_VERSION && built.size === 'bench';
}

/**
 * The URL (superuser) of the benchmark-size demo: starts the cluster, or attaches to the one another
 * process runs, builds the demo there if it is not complete, and runs the warm-up (index statistics
 * do not survive an unclean stop).
 */
export async function scaleDemoUrl(log: (line: string) => void = () => undefined): Promise<string> {
  // Buffers that hold the working set, as a database server's would: with the default 128 MB every
  // read of the 1.3 GB ledger goes to the OS cache, which this machine's memory reclaim empties at will.
  cluster ??= startCluster({ dataDir: SCALE_DIR, major: 17, fast: true, log, settings: { shared_buffers: SCALE_SHARED_BUFFERS } });
  const c = await cluster;
  const url = c.url(SCALE_DB);
  await withClient(c.url(), async (admin) => {
    // Two benchmark processes may start at once: one builds, the other waits and reuses.
    await admin.query('select pg_advisory_lock(4243)');
    try {
      if (await isBuilt(admin)) return;
      // Bulk loads write far more WAL than the default 1 GB between checkpoints.
      await admin.query(`alter system set max_wal_size = '8GB'`);
      await admin.query(`alter system set checkpoint_timeout = '30min'`);
      await admin.query('select pg_reload_conf()');
      log(`Building the benchmark-size demo in ${SCALE_DIR} (several minutes, once)…`);
      const started = performance.now();
      await admin.query(`drop database if exists ${SCALE_DB} with (force)`);
      await admin.query(`create database ${SCALE_DB}`);
      await buildDemo(url, { size: 'bench', anchor: SCALE_ANCHOR, log: (line) => log(`  ${line}`) });
      log(`Benchmark-size demo built in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
    } finally {
      await admin.query('select pg_advisory_unlock(4243)');
    }
  });
  await warmUp(url);
  return url;
}

/** Stops the benchmark cluster if this process started it (the data stays for the next run). */
export async function stopScaleDemo(): Promise<void> {
  const c = await cluster;
  cluster = undefined;
  await c?.stop();
}
