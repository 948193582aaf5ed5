/**
 * `npm run bench`: how fast Kontor's database pages and CLI commands are on a large schema, beside
 * the same SQL alone run by psql. Not a test (nothing here passes or fails): it prints a table and
 * writes BENCHMARKS.md with the date and the machine.
 *
 * - A throwaway embedded PostgreSQL 17 under .kontor/bench, with the schema of bench/generate.ts
 *   (kept between runs; delete .kontor/bench to rebuild).
 * - Each page's server function (app/(console)/database/_lib/loaders.ts) and each CLI command runs
 *   REPS times after a warm-up, each timed run right after an untimed one; the median is reported.
 *   Every statement it sent is recorded (Kysely's log), written to a file with its parameters inlined,
 *   wrapped in the same READ ONLY transaction and settings, and run by psql with \timing (twice, the
 *   second pass timed), REPS times: the median of the summed statement times is "its SQL alone".
 *   Overhead = Kontor's time / SQL time - 1. BENCH_ONLY=<regex> runs only the matching cases.
 * - Then every bench/*.bench.ts module's run({ url, log }) adds its own rows (advisors).
 */
import '@/bench/env'; // first: sets KONTOR_PRESET before lib/env is read
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CompiledQuery, type LogEvent } from 'kysely';
import pg from 'pg';
import { startCluster } from '@/db/embedded';
import { isTransactionControl, type BenchRow } from '@/bench/types';
import { BENCH_COMMENT, BENCH_SHAPE, generateBenchSchema } from '@/bench/generate';
import { inline, oneQuery, psqlTime as psqlRun, PSQL, type SqlScript } from '@/bench/sql-replay';
import { createDb, poolOf } from '@/db/connect';

const REPS = Number(process.env.BENCH_REPS ?? 11);
/** `BENCH_ONLY=<regex>`: only the cases (and bench/*.bench.ts files) whose name matches; BENCHMARKS.md is left as it is. */
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const DIR = path.resolve('.kontor/bench');
const DB = 'kontor_bench';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function log(line: string) {
  console.error(`[bench] ${line}`);
}

async function prepare() {
  // Buffers that hold the whole schema's catalog and stats, as a server's would (see bench/scale.ts).
  const cluster = await startCluster({ dataDir: path.join(DIR, 'pg17'), major: 17, fast: true, log, settings: { shared_buffers: '1GB' } });
  const admin = new pg.Client(cluster.url());
  await admin.connect();
  const found = await admin.query(`select shobj_description(oid, 'pg_database') as c from pg_database where datname = $1`, [DB]);
  if (found.rows[0]?.c !== BENCH_COMMENT) {
    log(`generating ${BENCH_SHAPE.tables} tables, ${BENCH_SHAPE.tables * BENCH_SHAPE.indexesPerTable} indexes, ${BENCH_SHAPE.tables} policies (a few minutes, once)`);
    const started = Date.now();
    await admin.query(`drop database if exists ${DB} with (force)`);
    await admin.query(`create database ${DB}`);
    await generateBenchSchema(cluster.url(DB), log);
    const { migrateToLatest } = await import('@/db/migrate');
    const db = createDb<unknown>(cluster.url(DB), { max: 1 });
    const { error } = await migrateToLatest(db);
    await db.destroy();
    if (error) throw error;
    await admin.query(`comment on database ${DB} is '${BENCH_COMMENT}'`);
    log(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  await admin.end();
  return { cluster, url: cluster.url(DB) };
}

/** psql's time for a script (bench/sql-replay.ts), the file kept in the bench's directory. */
const psqlTime = (url: string, script: SqlScript) => psqlRun(url, path.join(DIR, 'last.sql'), script).ms;

/**
 * The statements Kontor sent, in the transaction Kysely opened for them. A write (the snapshot) is
 * replayed inside a transaction that is rolled back, after removing in it the rows of the snapshot
 * the recorded run committed: they carry that snapshot's id as a literal (its header row stays, so
 * the replayed rows still have a parent).
 */
function sqlScript(captured: CompiledQuery[], snapshotId: string | null): SqlScript {
  const statements = captured.filter((q) => !isTransactionControl(q.sql)).map((q) => `${inline(q)};`).join('\n');
  if (!snapshotId) {
    // A read is timed with its BEGIN and COMMIT, the round trips Kontor pays too; its BEGIN carries the
    // transaction's settings (db/index.ts), sent by psql the same way, as one query (\;).
    const start = captured.find((q) => q.parameters.length === 0 && /^\s*start transaction read only;/i.test(q.sql));
    const begin = start ? oneQuery(start.sql) : 'begin transaction read only;';
    return { setup: '', body: [begin, statements, 'commit;'].join('\n'), teardown: '' };
  }
  return {
    setup: ['begin;', ...['snapshot_tables', 'snapshot_indexes', 'snapshot_queries'].map((t) => `delete from kontor.${t} where snapshot_id = ${Number(snapshotId)};`)].join('\n'),
    body: statements,
    teardown: 'rollback;',
  };
}

async function main() {
  const rows: BenchRow[] = [];
  const record = (row: BenchRow) => {
    rows.push(row);
    const overhead = row.sqlMs ? ` (${((row.kontorMs / row.sqlMs - 1) * 100).toFixed(0)} % over SQL ${row.sqlMs.toFixed(1)} ms)` : '';
    log(`${row.name}: ${row.kontorMs.toFixed(1)} ms${overhead}`);
  };
  const { cluster, url } = await prepare();
  process.env.DATABASE_URL = url;
  const captured: CompiledQuery[] = [];
  let capturing = false;
  const onLog = (e: LogEvent) => { if (capturing && e.level === 'query') captured.push(e.query); };
  // createDb's pool ignores a socket error after its end: the cluster's stop may still reach one (as test/db.ts).
  const db = createDb(url, { max: 2, applicationName: 'kontor-bench', log: onLog });
  const pool = poolOf(db)!;

  const loaders = await import('@/app/(console)/database/_lib/loaders');
  const { COMMANDS_FOR_BENCH } = await import('@/bench/commands');

  async function time(name: string, kind: BenchRow['kind'], fn: () => Promise<unknown>, opts: { writes?: boolean } = {}) {
    if (ONLY && !ONLY.test(name)) return;
    try {
      await measure(name, kind, fn, opts);
    } catch (err) {
      capturing = false;
      record({ name, kind, kontorMs: NaN, sqlMs: null, reps: 0, note: `failed: ${(err as Error).message}` });
    }
  }

  async function measure(name: string, kind: BenchRow['kind'], fn: () => Promise<unknown>, opts: { writes?: boolean }) {
    // Warm-up, as a long-running server is warm: plans, catalog caches, and V8's optimized code for the
    // path (Kysely's compiler, the row parser), which takes more than one call: 20 runs or 1 s.
    for (let i = 0, t = performance.now(); i < 20 && (i === 0 || performance.now() - t < 1000); i++) await fn();
    captured.length = 0;
    capturing = true;
    await fn();
    capturing = false;
    // The snapshot the recorded run committed: its replay removes it first (see sqlScript).
    const snapshotId = opts.writes ? ((await pool.query('select max(id)::text as id from kontor.snapshots')).rows[0].id as string) : null;
    const script = sqlScript(captured, snapshotId);
    // Alternated, so that a change in the shared machine's load falls on both sides alike.
    psqlTime(url, script);
    const kontor: number[] = [];
    const sql: number[] = [];
    for (let i = 0; i < REPS; i++) {
      // As psql's replay is timed (its second pass, right after a first): a warm pass, then the timed one.
      await fn();
      const t = performance.now();
      await fn();
      kontor.push(performance.now() - t);
      sql.push(psqlTime(url, script));
    }
    record({ name, kind, kontorMs: median(kontor), sqlMs: median(sql), reps: REPS, note: `${captured.length} statements` });
  }

  await time('page /database/tables', 'page', () => loaders.loadTablesPage({}, db));
  await time('page /database/tables?sort=name&page=100', 'page', () => loaders.loadTablesPage({ sort: 'name', page: '100' }, db));
  await time('page /database/tables?q=table_04', 'page', () => loaders.loadTablesPage({ q: 'table_04' }, db));
  await time('page /database/tables/app_01/table_00001', 'page', () => loaders.loadTableDetailPage('app_01', 'table_00001', {}, db));
  await time('page /database/indexes', 'page', () => loaders.loadIndexesPage({}, db));
  await time('page /database/indexes?sort=size', 'page', () => loaders.loadIndexesPage({ sort: 'size' }, db));
  await time('page /database/activity', 'page', () => loaders.loadActivityPage(db));
  await time('page /database/queries', 'page', () => loaders.loadQueriesPage({}, db));
  for (const [name, run, writes] of COMMANDS_FOR_BENCH) {
    await time(`cli ${name} (in process)`, 'cli', () => run(db), { writes });
  }
  // The CLI as a user runs it: a fresh process (Node + tsx start-up included), a few times.
  // The schema-only database has no product tables: the CLI detects (finds none) rather than check the demo preset.
  const cliEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  delete cliEnv.KONTOR_PRESET;
  for (const args of [['inspect', 'tables'], ['inspect', 'indexes']]) {
    if (ONLY && !ONLY.test(`cli ${args.join(' ')} (new process)`)) continue;
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      execFileSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', ...args, '--json'], { env: cliEnv, stdio: 'ignore' });
      times.push(performance.now() - t);
    }
    record({ name: `cli ${args.join(' ')} (new process)`, kind: 'cli', kontorMs: median(times), sqlMs: null, reps: 3, note: 'includes Node and tsx start-up' });
  }

  for (const file of fs.readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).sort()) {
    const mod = (await import(path.resolve('bench', file))) as { run?: (ctx: { url: string; log: (row: BenchRow) => void }) => Promise<void>; CASES?: readonly string[] };
    // BENCH_ONLY names a module by its file, or one of the cases it lists (it then runs only those).
    if (ONLY && !ONLY.test(file) && !mod.CASES?.some((c) => ONLY.test(c))) continue;
    log(`running bench/${file}`);
    if (typeof mod.run !== 'function') { log(`  bench/${file} exports no run(ctx): skipped`); continue; }
    try {
      await mod.run({ url, log: record });
    } catch (err) {
      log(`  bench/${file} failed: ${(err as Error).message}`);
    }
  }

  const pgVersion = (await pool.query('select version() as v')).rows[0].v as string;
  await db.destroy();
  await cluster.stop();
  if (ONLY) {
    for (const r of rows) console.log(`${r.name}: ${r.kontorMs.toFixed(1)} ms, SQL ${r.sqlMs?.toFixed(1) ?? '–'} ms, ${r.note ?? ''}`);
    log('BENCH_ONLY set: BENCHMARKS.md left as it is');
    return;
  }
  writeReport(rows, pgVersion);
}

function writeReport(rows: BenchRow[], pgVersion: string) {
  const date = execFileSync('date', { encoding: 'utf8' }).trim();
  const cpu = os.cpus();
  const psqlVersion = execFileSync(PSQL, ['--version'], { encoding: 'utf8' }).trim();
  const line = (r: BenchRow) => {
    const overhead = r.sqlMs ? `${((r.kontorMs / r.sqlMs - 1) * 100).toFixed(0)} %` : '–';
    return `| ${r.name} | ${r.kind} | ${r.kontorMs.toFixed(1)} | ${r.sqlMs === null ? '–' : r.sqlMs.toFixed(1)} | ${overhead} | ${r.reps} | ${r.note ?? ''} |`;
  };
  const table = ['| what | kind | Kontor ms (median) | its SQL in psql ms (median) | overhead | reps | note |', '|---|---|---:|---:|---:|---:|---|', ...rows.map(line)].join('\n');
  const pages = rows.filter((r) => r.kind === 'page');
  const slowest = pages.reduce((a, b) => (b.kontorMs > a.kontorMs ? b : a), pages[0]);
  // The overhead target is the Database pages' (the modules' rows carry their own targets).
  const database = pages.filter((r) => r.sqlMs && r.name.startsWith('page /database'));
  const worst = database.reduce((a, b) => (b.kontorMs / b.sqlMs! > a.kontorMs / a.sqlMs! ? b : a), database[0]);
  const md = `# Benchmarks

\`npm run bench\` (scripts/bench.ts). Not a test: numbers for people, written by the run itself.

- **Date:** ${date}
- **Machine:** ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()}
- **Software:** Node ${process.version}; ${pgVersion.split(',')[0]} (embedded, fsync off); ${psqlVersion}
- **Schema:** ${BENCH_SHAPE.tables.toLocaleString('en')} tables in ${BENCH_SHAPE.schemas} schemas, ${(BENCH_SHAPE.tables * BENCH_SHAPE.indexesPerTable).toLocaleString('en')} indexes, ${BENCH_SHAPE.tables.toLocaleString('en')} policies (bench/generate.ts), plus Kontor's own schema.
- **Method:** each page's server function (\`app/(console)/database/_lib/loaders.ts\`) and each CLI command, warmed up (20 runs or 1 s, as a running server is), then ${REPS} timed runs, each right after an untimed one, median; alternating with them the very statements it sent (recorded from Kysely's log, parameters inlined, in the same read-only transaction, its BEGIN with the transaction's settings in one query and its COMMIT timed too; the snapshot's writes in one rolled back) run by psql with \`\\timing\`, timed on the second of two passes, median of ${REPS} runs of their summed times. Overhead = Kontor ÷ SQL − 1: the transaction set-up, the round trips, and the JavaScript that shapes the rows.
- **Targets:** every page under 1 s; overhead under 30 % (the Database pages and CLI commands). The rows from \`bench/*.bench.ts\` (advisors on) carry their own targets in the note; their SQL column is the same statements (or, for finance, the bare GROUP BY) on a bare node-postgres client.

${table}

Slowest page: ${slowest ? `${slowest.name}, ${slowest.kontorMs.toFixed(0)} ms` : '–'}. Largest overhead among the Database pages: ${worst?.sqlMs ? `${worst.name}, ${((worst.kontorMs / worst.sqlMs - 1) * 100).toFixed(0)} %` : '–'}.
`;
  // Sections written by hand or by other runs (e.g. "## Demo build") follow the generated part: kept.
  const previous = fs.existsSync('BENCHMARKS.md') ? fs.readFileSync('BENCHMARKS.md', 'utf8') : '';
  const kept = previous.indexOf('\n## ') >= 0 ? previous.slice(previous.indexOf('\n## ')) : '';
  fs.writeFileSync('BENCHMARKS.md', md + kept);
  console.log(table);
  log('wrote BENCHMARKS.md');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
