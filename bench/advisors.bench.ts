/**
 * The whole advisor catalogue on the benchmark database (5,000 tables, 15,000 indexes, 5,000
 * policies), beside Supabase's own linter (splinter) on the same database in the same run.
 * Targets: under 1 s, and at least 4x faster than splinter's SQL.
 *
 * Splinter is not part of Kontor: the run reads its compiled SQL (splinter.sql) from outside the
 * repository, from SPLINTER_SQL (the file) or SPLINTER_REPO (a clone of github.com/supabase/splinter,
 * a work tree or a bare git directory), and without either it times Kontor alone, saying so.
 * Splinter needs the roles anon and authenticated (created here when missing: the benchmark's cluster
 * is its own) and PostgREST's `pgrst.db_schemas`: for the run, the database's setting names every
 * schema of the benchmark, so that both linters look at all 5,000 tables (and reset afterwards).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runAdvisors, ADVISORS } from '@/lib/inspect/advisors';
import type { BenchContext } from '@/bench/types';
import { createDb } from '@/db/connect';

const REPS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** splinter.sql's text, or why it is not there. */
// eslint-disable-next-line no-restricted-properties -- the benchmark's own options, not the app's configuration
export function readSplinter(env: NodeJS.ProcessEnv = process.env): { sql: string } | { missing: string } {
  const file = env.SPLINTER_SQL;
  if (file) return fs.existsSync(file) ? { sql: fs.readFileSync(file, 'utf8') } : { missing: `SPLINTER_SQL=${file} does not exist` };
  const repo = env.SPLINTER_REPO;
  if (!repo) return { missing: 'set SPLINTER_REPO (a clone of github.com/supabase/splinter) or SPLINTER_SQL (its splinter.sql)' };
  if (fs.existsSync(path.join(repo, 'splinter.sql'))) return { sql: fs.readFileSync(path.join(repo, 'splinter.sql'), 'utf8') };
  try {
    return { sql: execFileSync('git', ['--git-dir', repo, 'show', 'HEAD:splinter.sql'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) };
  } catch {
    return { missing: `no splinter.sql in SPLINTER_REPO=${repo}` };
  }
}

export async function run(ctx: BenchContext) {
  const splinter = readSplinter();
  const admin = new pg.Client(ctx.url);
  await admin.connect();
  const schemas = (await admin.query<{ s: string }>(`select string_agg(nspname, ', ' order by nspname) as s from pg_namespace
    where nspname = 'public' or nspname like 'app\\_%'`)).rows[0].s;
  await admin.query(`do $$ begin
    if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
    if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  end $$`);
  await admin.query(`alter database ${admin.escapeIdentifier(admin.database!)} set pgrst.db_schemas = ${admin.escapeLiteral(schemas)}`);
  // Connected after the setting, so that its sessions read it as PostgREST's would.
  const db = createDb<unknown>(ctx.url, { max: 2 });
  const bare = new pg.Client(ctx.url);
  await bare.connect();
  const runSplinter = async () => {
    if (!('sql' in splinter)) return 0;
    await bare.query('begin read only');
    // splinter.sql is `set local search_path = ''; <one query>`: sent as one simple query, the last result is the lints.
    const results = (await bare.query(splinter.sql)) as unknown as pg.QueryResult[];
    await bare.query('rollback');
    return results.at(-1)!.rowCount ?? 0;
  };
  // The machine is shared: the 1-minute load average before and after the reps goes in the note.
  const load = () => os.loadavg()[0].toFixed(1);
  const loadBefore = load();
  try {
    await runAdvisors([db, db], { suppressions: [] }); // warm the catalog caches once, each side
    let splinterRows = await runSplinter();
    const times: number[] = [];
    const splinterTimes: number[] = [];
    const perAdvisor: Record<string, number[]> = {};
    let objects = 0;
    for (let i = 0; i < REPS; i++) {
      // Alternated, so that a change in the shared machine's load falls on both alike.
      const started = performance.now();
      const result = await runAdvisors([db, db]); // two lanes, as the page and `kontor lint` run it
      times.push(performance.now() - started);
      objects = result.findings.reduce((n, f) => n + f.objects.length, 0);
      for (const [id, ms] of Object.entries(result.timings)) (perAdvisor[id] ??= []).push(ms);
      const t = performance.now();
      splinterRows = await runSplinter();
      splinterTimes.push(performance.now() - t);
    }
    const slowest = Object.entries(perAdvisor)
      .map(([id, ms]) => [id, median(ms)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([id, ms]) => `${id} ${ms.toFixed(0)} ms`)
      .join(', ');
    // Issue 17's CI check on this very schema: `kontor lint --json` through a pipe into a reader that
    // parses the whole document. A cut document (the CLI exiting before the pipe drains) fails the bench.
    const piped = spawnSync('bash', ['-c',
      `"${process.execPath}" --import tsx cli/kontor.ts lint --json | node -e 'const t = require("fs").readFileSync(0, "utf8"); JSON.parse(t); console.log(t.length)'`], {
      // eslint-disable-next-line no-restricted-properties -- the child gets this process's environment and the URL
      env: { ...process.env, DATABASE_URL: ctx.url }, encoding: 'utf8', maxBuffer: 1 << 20,
    });
    // lint exits 1 when it finds errors (--fail-on): the parse is what is checked, so only the reader's status counts.
    const parsedChars = Number(piped.stdout.trim());
    if (!Number.isInteger(parsedChars) || parsedChars === 0) {
      throw new Error(`kontor lint --json | JSON.parse failed on the 5,000-table schema: ${piped.stderr.slice(-500)}`);
    }
    const kontor = median(times);
    const beside = 'sql' in splinter
      ? `splinter's SQL (${splinterRows} findings, a bare client) ${median(splinterTimes).toFixed(0)} ms: Kontor ${(median(splinterTimes) / kontor).toFixed(1)}x faster (target 4x)`
      : `splinter not timed: ${splinter.missing}`;
    ctx.log({
      name: `advisors: all ${ADVISORS.length} checks`,
      kind: 'check',
      kontorMs: kontor,
      sqlMs: null,
      reps: REPS,
      note: `${objects} objects flagged; ${beside}; \`kontor lint --json | JSON.parse\` whole (${parsedChars.toLocaleString('en')} characters); slowest: ${slowest}; target < 1000 ms; load average ${loadBefore} to ${load()}`,
    });
  } finally {
    await db.destroy();
    await bare.end();
    await admin.query(`alter database ${admin.escapeIdentifier(admin.database!)} reset pgrst.db_schemas`);
    await admin.end();
  }
}
