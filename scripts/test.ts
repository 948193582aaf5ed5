/**
 * `npm test`: typecheck, lint, unit and integration tests against real PostgreSQL 17 and 15 (throwaway
 * clusters under .kontor/), then the production build and the Playwright suite in Chromium.
 * `npm test -- unit` or `npm test -- e2e` runs one stage (`npm test -- unit <files>` or `npm test -- e2e <specs>`: only those). Ends with one line "N passed, N failed".
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startCluster, type Cluster } from '@/db/embedded';
import { nodeOptions } from '@/scripts/node-options';
import { startPgbouncer, type Pooler } from '@/test/pgbouncer';

const only = process.argv[2] as 'unit' | 'e2e' | 'static' | undefined;
const totals = { passed: 0, failed: 0 };
const clusters: Cluster[] = [];
const poolers: Pooler[] = [];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, capture = false) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], env });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

function step(name: string) {
  console.log(`\n=== ${name} ===`);
}

function findTests(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.next', '.kontor', '.git', 'e2e', 'scratch'].includes(entry.name)) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(p, found);
    else if (entry.name.endsWith('.test.ts')) found.push(p);
  }
  return found.sort();
}

async function staticChecks() {
  step('typecheck');
  if ((await run('npx', ['tsc', '--noEmit'])).code !== 0) fail('typecheck');
  step('lint');
  if ((await run('npx', ['eslint', '.', '--max-warnings=0'])).code !== 0) fail('lint');
}

/** Clusters of earlier runs whose process is gone (killed, or stopped before cleaning up). */
function removeStaleTestClusters() {
  const root = path.resolve('.kontor/test');
  if (!fs.existsSync(root)) return;
  for (const pid of fs.readdirSync(root)) {
    let alive = false;
    try {
      process.kill(Number(pid), 0);
      alive = true;
    } catch {
      // no such process
    }
    if (!alive) fs.rmSync(path.join(root, pid), { recursive: true, force: true });
  }
}

async function unit() {
  step('unit and integration tests (PostgreSQL 17 and 15)');
  removeStaleTestClusters();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  for (const major of [17, 15] as const) {
    // One directory per run: two runs at once (a whole suite and one file) must not share a cluster.
    const dataDir = path.resolve(`.kontor/test/${process.pid}/pg${major}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const cluster = await startCluster({ dataDir, major, fast: true });
    clusters.push(cluster);
    env[`KONTOR_TEST_ADMIN_URL_${major}`] = cluster.url();
    // The edit, approval and reconciliation suites connect through it (test/db.ts, throughPooler).
    const pooler = await startPgbouncer({ dir: path.resolve(`.kontor/test/${process.pid}/pgbouncer${major}`), pgPort: cluster.port });
    poolers.push(pooler);
    env[`KONTOR_TEST_PGBOUNCER_PORT_${major}`] = String(pooler.port);
  }
  // `npm test -- unit <files>` runs only those files.
  const named = process.argv.slice(3);
  const files = only === 'unit' && named.length ? named : findTests('.');
  const { code, output } = await run(
    process.execPath,
    [...nodeOptions().split(' ').filter(Boolean), '--import', 'tsx', '--test', '--test-concurrency=2', ...files],
    env,
    true,
  );
  const pass = Number(/^# pass (\d+)/m.exec(output)?.[1] ?? 0);
  const failed = Number(/^# fail (\d+)/m.exec(output)?.[1] ?? 0);
  totals.passed += pass;
  totals.failed += failed;
  if (code !== 0 && failed === 0) totals.failed += 1;
  if (pass === 0) fail('unit tests ran no test');
}

async function e2e() {
  step('production build');
  if ((await run('npm', ['run', 'build'])).code !== 0) fail('build');
  step('end-to-end (Playwright, Chromium)');
  // A fresh demo database for every run: e2e never inherits what an earlier run changed.
  fs.rmSync('.kontor/e2e', { recursive: true, force: true });
  const report = path.resolve('test-results/e2e-report.json');
  fs.rmSync(report, { force: true });
  // `npm test -- e2e e2e/finance.spec.ts`: only those specs (and the sign-in setup they depend on).
  const { code } = await run('npx', ['playwright', 'test', ...(only === 'e2e' ? process.argv.slice(3) : [])], {
    ...process.env,
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  });
  try {
    const stats = JSON.parse(fs.readFileSync(report, 'utf8')).stats as { expected: number; unexpected: number; flaky: number };
    totals.passed += stats.expected + stats.flaky;
    totals.failed += stats.unexpected;
  } catch {
    totals.failed += 1;
  }
  if (code !== 0 && totals.failed === 0) totals.failed += 1;
}

function fail(what: string): never {
  console.error(`\n${what} failed`);
  finish(1);
}

let finished = false;
// The runner must end through finish(): an event loop that empties early (an await nothing keeps
// alive) would otherwise exit 0 before the summary, and CI would take failures for a pass.
process.on('beforeExit', () => {
  if (finished) return;
  console.error('\nThe test runner ended before its summary: counted as a failure.');
  process.exitCode = 1;
});

function finish(code: number): never {
  finished = true;
  for (const p of poolers) void p.stop();
  for (const c of clusters) void c.stop();
  console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  process.exit(code || (totals.failed ? 1 : 0));
}

async function main() {
  if (!only || only === 'static') await staticChecks();
  if (!only || only === 'unit') await unit();
  for (const p of poolers.splice(0)) await p.stop();
  for (const c of clusters.splice(0)) await c.stop();
  fs.rmSync(path.resolve(`.kontor/test/${process.pid}`), { recursive: true, force: true });
  if (!only || only === 'e2e') await e2e();
  finish(0);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  finish(1);
});
