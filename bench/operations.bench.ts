/**
 * Operations on the large demo (`--scale`: ~2M tasks): the queue-health read and a task search by
 * id, each as Kontor runs it (read-only transaction, mapping, shaping) and as its SQL alone (the same
 * statements with the same parameters on a bare pg client). Targets: 500 ms and 100 ms.
 * Needs bench/scale.ts (scaleDemoUrl), which builds the large demo once under .kontor/bench-scale.
 */
import { type CompiledQuery } from 'kysely';
import pg from 'pg';
import { read } from '@/db/index';
import { parseMapping } from '@/lib/mapping';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { queueNow } from '@/lib/domain/tasks/model';
import { getQueueHealth } from '@/lib/domain/tasks/health';
import { listTasks, parseTaskSearch } from '@/lib/domain/tasks/list';
import { readReplay, type BenchContext } from '@/bench/types';
import { createDb } from '@/db/connect';

const REPS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function run(ctx: BenchContext) {
  // A variable specifier: bench/scale.ts is written by another issue and may not exist yet.
  const scaleModule = '@/bench/scale';
  const { scaleDemoUrl } = (await import(scaleModule)) as { scaleDemoUrl: () => Promise<string> };
  const url = await scaleDemoUrl();
  const captured: CompiledQuery[] = [];
  let capture = false;
  const db = createDb(url, {
    max: 2,
    log: (e) => {
      if (capture && e.level === 'query') captured.push(e.query);
    },
  });
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  try {
    const mapping = parseMapping(demoPreset);
    const now = await read((trx) => queueNow(trx), {}, db);
    const { rows } = await raw.query<{ id: string; n: string }>(
      `select (select id::text from public.tasks order by id offset 1000000 limit 1) as id, (select reltuples::bigint::text from pg_class where oid = 'public.tasks'::regclass) as n`,
    );
    const taskId = rows[0].id;
    const cases: [string, () => Promise<unknown>, number][] = [
      ['page /tasks/queue: queue health (24 h window)', () => read((trx) => getQueueHealth(trx, mapping, { now }), {}, db), 500],
      ['page /tasks: search by task id', () => read((trx) => listTasks(trx, mapping, { filter: {}, search: parseTaskSearch(taskId), sort: 'created', desc: true, limit: 25, offset: 0 }), {}, db), 100],
    ];
    for (const [name, fn, target] of cases) {
      const kontorMs = await time(fn);
      captured.length = 0;
      capture = true;
      await fn();
      capture = false;
      const replay = readReplay(raw, captured);
      const sqlMs = await time(replay.run);
      ctx.log({ name, kind: 'page', kontorMs, sqlMs, reps: REPS, note: `${rows[0].n} tasks; ${replay.statements.length} statement(s); target < ${target} ms` });
    }
  } finally {
    await raw.end();
    await db.destroy();
  }
}
