/**
 * The operations speed work changes no figure: on the small demo, the queries the pages ran before
 * (kept here as references) and the ones they run now give the same workers' counts, task list pages,
 * usual waits and stuck tasks; the ops snapshot job stores exactly what the live functions compute
 * (throughput, money, workers' last hour, usual waits), and two starts at once run it once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { migrateToLatest } from '@/db/migrate';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { columnOf, keyOf, parseMapping, tableOf } from '@/lib/mapping';
import { demoDatabase, TEST_ANCHOR, type TestDatabase } from '@/test/db';
import { at, queueModel, statusIn, taskKey, taskTable, tcol, workerCol, workerMeta } from '@/lib/domain/tasks/model';
import { listWorkers, WORKER_SORTS, workerHours, type WorkerHours } from '@/lib/domain/workers';
import { listTasks, parseTaskSearch, TASK_SORTS, type TaskFilter } from '@/lib/domain/tasks/list';
import { createdOrderHint, createdOrderPlan } from '@/lib/domain/tasks/list-order';
import { findStuckTasks, P95_DAYS, usualWaits, type UsualWaits } from '@/lib/domain/tasks/stuck';
import { getQueueHealth, getThroughput, type WindowRow } from '@/lib/domain/tasks/health';
import { findMoneyIssues } from '@/lib/domain/tasks/money';
import { computeFigure, computeMoney, figureNames, queueIsSmall, readSnapshot, SNAPSHOTS, startOpsSnapshot, STORED_WINDOWS, windowSnapshot, type MoneySnapshot, type ThroughputSnapshot } from '@/lib/domain/tasks/snapshot';
import { latestJob } from '@/lib/jobs';
import { createDb } from '@/db/connect';

const mapping = parseMapping(demoPreset);
const m = queueModel(mapping);
const now = TEST_ANCHOR;
let tdb: TestDatabase;
let db: Kysely<KontorDatabase>;

before(async () => {
  tdb = await demoDatabase();
  db = createDb(tdb.url, { max: 6 });
  const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
  if (error) throw error;
});
after(async () => {
  await db?.destroy();
  await tdb?.drop();
});

/** The workers query as it was: three counts per worker, each over that worker's tasks. */
async function workersBefore(sort: string, desc: boolean) {
  const w = m.workers!;
  const n = at(now);
  const processed = tcol(m, 'processedAt', 't', tcol(m, 'updatedAt'));
  const owns = sql`${tcol(m, 'workerId')} = ${keyOf(w, 'w')}`;
  // Heartbeat sorts by the moment (newest first when descending); attention: active first, the most silent on top.
  const order = {
    heartbeat: 'heartbeat_age', id: 'id', status: 'status', inFlight: 'in_flight', failures: 'failed_hour',
    attention: "(status = 'active') desc, case when status = 'active' then heartbeat_age else -heartbeat_age end",
  }[sort]!;
  // By the moment descending is by age ascending (and the reverse).
  const dir = sort === 'attention' ? 'desc nulls first'
    : sort === 'heartbeat' ? (desc ? 'asc nulls last' : 'desc nulls first')
    : desc ? 'desc nulls last' : 'asc nulls first';
  const { rows } = await sql<{ id: string; in_flight: string; done_hour: string; failed_hour: string; version: string | null; heartbeat_age: number | null }>`
    select * from (
      select ${keyOf(w, 'w')}::text as id, ${columnOf(w, 'status', 'w')}::text as status,
             extract(epoch from (${n} - ${workerCol(m, 'lastHeartbeat')}))::float8 as heartbeat_age, ${workerMeta(m, 'version')} as version,
             (select count(*) from ${taskTable(m)} t where ${owns} and ${statusIn(m, ['inProgress'])})::text as in_flight,
             (select count(*) from ${taskTable(m)} t where ${owns} and ${statusIn(m, ['complete'])}
                 and ${processed} > ${n} - interval '1 hour' and ${processed} <= ${n})::text as done_hour,
             (select count(*) from ${taskTable(m)} t where ${owns} and ${statusIn(m, ['failed'])}
                 and ${processed} > ${n} - interval '1 hour' and ${processed} <= ${n})::text as failed_hour
        from ${tableOf(w)} w) x
    order by ${sql.raw(order)} ${sql.raw(dir)}, id limit 50`.execute(db);
  return rows.map((r) => ({ id: r.id, inFlight: Number(r.in_flight), done: Number(r.done_hour), failed: Number(r.failed_hour) }));
}

/** The task list query as it was: the whole table sorted, then the page. */
async function tasksBefore(filter: TaskFilter, sortCol: ReturnType<typeof tcol>, desc: boolean, limit: number, offset: number, where = sql`true`) {
  const dir = sql.raw(desc ? 'desc nulls last' : 'asc nulls first');
  const { rows } = await sql<{ id: string }>`
    select ${taskKey(m)}::text as id from ${taskTable(m)} t
     where ${where} ${filter.status ? sql`and ${statusIn(m, [filter.status])}` : sql``}
     order by ${sortCol} ${dir}, ${taskKey(m)} ${dir} limit ${limit + 1} offset ${offset}`.execute(db);
  return rows.map((r) => r.id);
}

/** The usual-wait CTE as stuck.ts had it inline. */
async function usualWaitsBefore(): Promise<UsualWaits> {
  const created = tcol(m, 'createdAt');
  const n = at(now);
  const { rows } = await sql<{ task_type: string; p95: number | null }>`
    select coalesce(${tcol(m, 'taskType')}::text, '(untyped)') as task_type,
           percentile_cont(0.95) within group (order by date_part('epoch', ${tcol(m, 'startedAt')} - ${created})) as p95
      from ${taskTable(m)} t
     where ${statusIn(m, ['complete', 'failed', 'inProgress'])} and ${tcol(m, 'startedAt')} is not null
       and ${created} > ${n} - make_interval(days => ${P95_DAYS}) and ${created} <= ${n}
     group by 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.task_type, r.p95]));
}

describe('figures unchanged by the speed work', () => {
  test('workers: tasks in flight and the last hour, every sort, live and from stored hours', async () => {
    const hours: WorkerHours = JSON.parse(JSON.stringify(await workerHours(db, mapping, now)));
    assert.ok(Object.values(hours).some((h) => h.done + h.failed > 0), 'the demo has a last hour to count');
    for (const sort of WORKER_SORTS) {
      for (const desc of [true, false]) {
        const old = await workersBefore(sort, desc);
        for (const given of [undefined, hours]) {
          const now_ = await listWorkers(db, mapping, { now, staleMinutes: 5, sort, desc, limit: 50, offset: 0, filter: '', hours: given });
          assert.deepEqual(
            now_.rows.map((r) => ({ id: r.id, inFlight: r.inFlight, done: r.completedLastHour, failed: r.failedLastHour })), old, `${sort} ${desc}`,
          );
        }
      }
    }
    assert.ok((await workersBefore('inFlight', true))[0].inFlight > 0, 'some worker has tasks in flight');
    const unknown = await listWorkers(db, mapping, { now, staleMinutes: 5, sort: 'id', desc: false, limit: 50, offset: 0, filter: '', hours: null });
    assert.ok(unknown.rows.every((r) => r.completedLastHour === null && r.failedLastHour === null && r.failureRate === null));
  });

  test('task list: the newest-first view reads the status index ranges and returns the same pages', async () => {
    const plan = await createdOrderPlan(db, m);
    assert.deepEqual({ ...plan, rows: 0 }, { notNull: true, createdIndex: false, statusCreatedIndex: true, rows: 0 }, 'the demo takes the Merge Append path');
    // Without that index, a large table gets the index to create; a small one, or a served view, none.
    assert.equal(createdOrderHint(m, { ...plan, statusCreatedIndex: false, rows: 2e6 }), 'create index concurrently on public.tasks (created_at);');
    assert.equal(createdOrderHint(m, { ...plan, statusCreatedIndex: false, rows: 1000 }), null);
    assert.equal(createdOrderHint(m, { ...plan, rows: 2e6 }), null);
    const none = parseTaskSearch('');
    const cases: [TaskFilter, number, number][] = [[{}, 25, 0], [{}, 50, 50], [{}, 100, 1000], [{ status: 'failed' }, 25, 0], [{ status: 'queued' }, 50, 0],
      [{ type: 'image_generation' }, 25, 25]];
    for (const [filter, limit, offset] of cases) {
      for (const desc of [true, false]) {
        const got = await listTasks(db, mapping, { filter, search: none, sort: 'created', desc, limit, offset });
        const where = filter.type ? sql`${tcol(m, 'taskType')} = ${filter.type}` : sql`true`;
        const old = await tasksBefore(filter, tcol(m, 'createdAt'), desc, limit, offset, where);
        assert.deepEqual(got.rows.map((r) => r.id), old.slice(0, limit), `${JSON.stringify(filter)} ${limit}+${offset} ${desc}`);
        assert.equal(got.hasMore, old.length > limit);
        assert.equal(got.indexHint, null, "no index to suggest where one serves the view");
      }
    }
    // The other sorts take the query they always did.
    for (const sort of TASK_SORTS.filter((s) => s !== 'created')) assert.ok((await listTasks(db, mapping, { filter: {}, search: none, sort, desc: true, limit: 25, offset: 0 })).rows.length);
  });

  test('stuck tasks: the usual waits as before, and the same list whether they are computed or given', async () => {
    const old = await usualWaitsBefore();
    const waits = await usualWaits(db, mapping, now);
    assert.deepEqual(waits, old);
    const stored: UsualWaits = JSON.parse(JSON.stringify(waits));
    const live = await findStuckTasks(db, mapping, { now });
    assert.ok(live.some((t) => t.kind === 'task_queued_for_hours'), 'the demo has tasks queued far longer than usual');
    assert.deepEqual(await findStuckTasks(db, mapping, { now, usualWaits: stored }), live);
    const without = await findStuckTasks(db, mapping, { now, usualWaits: null });
    assert.deepEqual(without, live.filter((t) => t.kind !== 'task_queued_for_hours'), 'unknown waits leave only that kind out');
  });
});

describe('the ops snapshot job', () => {
  test('two starts at once run it once; it stores what the live functions compute, with its progress and outcome', { timeout: 120_000 }, async () => {
    const readWith = <T>(fn: (trx: Kysely<KontorDatabase>) => Promise<T>) => fn(db);
    const [a, b] = await Promise.all([
      startOpsSnapshot(db, readWith, mapping, now, 'a'),
      startOpsSnapshot(db, readWith, mapping, now, 'b'),
    ]);
    assert.equal([a, b].filter((s) => s.started).length, 1, 'exactly one started');
    assert.equal(a.job.id, b.job.id);
    await Promise.all([a.done, b.done]);
    const job = await latestJob<{ ms: Record<string, number> }>(db, 'ops-snapshot');
    assert.equal(job?.state, 'succeeded');
    assert.deepEqual(Object.keys(job!.outcome!.ms).sort(), [...figureNames(mapping)].sort());
    for (const hours of STORED_WINDOWS) {
      const stored = await readSnapshot<WindowRow[]>(db, windowSnapshot(hours)!);
      const live = await getQueueHealth(db, mapping, { now, windowHours: hours });
      assert.ok(live.types.some((t) => t.completed > 0));
      assert.deepEqual(await getQueueHealth(db, mapping, { now, windowHours: hours, window: stored!.value }), live, `${hours} h`);
    }

    const throughput = await readSnapshot<ThroughputSnapshot>(db, SNAPSHOTS.throughput);
    assert.equal(throughput?.asOf, now.toISOString());
    assert.deepEqual(throughput!.value, {
      hours: await getThroughput(db, mapping, { now, bucket: 'hour', span: 24 }),
      days: await getThroughput(db, mapping, { now, bucket: 'day', span: 14 }),
    });
    assert.ok(throughput!.value.days.some((d) => d.completed > 0));
    const money = await readSnapshot<MoneySnapshot>(db, SNAPSHOTS.money);
    const issues = await findMoneyIssues(db, mapping, { now });
    assert.ok(issues.length > 0);
    assert.deepEqual(money!.value.issues, JSON.parse(JSON.stringify(issues)));
    assert.deepEqual((await readSnapshot<WorkerHours>(db, SNAPSHOTS.workers))!.value, await workerHours(db, mapping, now));
    assert.deepEqual((await readSnapshot<UsualWaits>(db, SNAPSHOTS.waits))!.value, JSON.parse(JSON.stringify(await usualWaits(db, mapping, now))));
  });

  test('a small queue computes its figures in the request, by the same functions', async () => {
    assert.equal(await queueIsSmall(db, mapping), true);
    assert.deepEqual(await computeFigure(db, SNAPSHOTS.money, mapping, now), await computeMoney(db, mapping, now));
    assert.deepEqual(await computeFigure(db, SNAPSHOTS.waits, mapping, now), await usualWaits(db, mapping, now));
  });
});
