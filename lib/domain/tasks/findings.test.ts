/**
 * The demo's planted operations and money defects are found, each under its kind, and nothing else;
 * queue-health percentiles match a fixture of known durations.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kysely, sql } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { parseMapping } from '@/lib/mapping';
import { demoDatabase, TEST_ANCHOR, type TestDatabase } from '@/test/db';
import { findSilentWorkers, findStuckTasks } from '@/lib/domain/tasks/stuck';
import { findMoneyIssues } from '@/lib/domain/tasks/money';
import { getQueueHealth, getThroughput } from '@/lib/domain/tasks/health';
import { queueNow } from '@/lib/domain/tasks/model';
import { getTask, listTasks, parseTaskSearch, taskFilterSchema } from '@/lib/domain/tasks/list';
import { listWorkers } from '@/lib/domain/workers';
import { bearerMatches, collectMetrics, formatMetrics } from '@/lib/domain/tasks/metrics';
import { parseStale, tasksCommand, tasksHealth } from '@/cli/tasks';
import { RUN_DEFAULT_MINUTES, RUN_FLOOR_MINUTES } from '@/lib/domain/tasks/running-long';
import { createDb } from '@/db/connect';

const manifest = JSON.parse(readFileSync('db/demo/manifest.json', 'utf8')) as { kind: string; ids?: string[] }[];
const idsOf = (kind: string) => [...manifest.find((d) => d.kind === kind)!.ids!].sort();
const mapping = parseMapping(demoPreset);
const now = TEST_ANCHOR;

let tdb: TestDatabase;
let db: Kysely<KontorDatabase>;

before(async () => {
  tdb = await demoDatabase();
  db = createDb(tdb.url, { max: 4 });
});
after(async () => {
  await db?.destroy();
  await tdb?.drop();
});

describe('stuck and orphaned tasks on the demo', () => {
  test('each planted defect under its kind, and nothing else', async () => {
    const stuck = await findStuckTasks(db, mapping, { now });
    const of = (kind: string) => stuck.filter((s) => s.kind === kind).map((s) => s.id).sort();
    assert.deepEqual(of('task_on_dead_worker'), idsOf('task_on_dead_worker'));
    assert.deepEqual(of('task_queued_for_hours'), idsOf('task_queued_for_hours'));
    assert.deepEqual(of('retry_storm'), []);
    assert.equal(stuck.length, 5);
    const dead = stuck.find((s) => s.kind === 'task_on_dead_worker')!;
    assert.equal(dead.workerId, 'gpu-us-east-24');
    assert.equal(dead.workerVersion, '1.14.2');
    assert.equal(dead.lastHeartbeat, new Date(now.getTime() - (3 * 60 + 5) * 60_000).toISOString());
    const queuedAges = stuck.filter((s) => s.kind === 'task_queued_for_hours').map((s) => s.ageSeconds).sort((a, b) => a - b);
    assert.deepEqual(queuedAges, [5 * 3600 + 12 * 60, 7 * 3600 + 40 * 60, 26 * 3600 + 5 * 60]);
  });

  test('the silent worker, and not the terminated or retired ones', async () => {
    const silent = await findSilentWorkers(db, mapping, { now });
    assert.deepEqual(silent.map((w) => w.id), idsOf('silent_worker'));
    assert.equal(silent[0].silentSeconds, (2 * 60 + 13) * 60);
    assert.equal(silent[0].inFlight, 0);
  });

  test('a threshold longer than the silence finds nothing', async () => {
    assert.deepEqual(await findSilentWorkers(db, mapping, { now, staleMinutes: 3 * 60 }), []);
    const stuck = await findStuckTasks(db, mapping, { now, staleMinutes: 4 * 60 });
    assert.deepEqual(stuck.filter((s) => s.kind === 'task_on_dead_worker').length, 2, 'terminated is dead whatever the threshold');
  });

  test('money on the queue: failed-but-charged and never-charged, nothing else', async () => {
    const money = await findMoneyIssues(db, mapping, { now });
    const of = (kind: string) => money.filter((x) => x.kind === kind).map((x) => x.taskId).sort();
    assert.deepEqual(of('failed_task_charged'), idsOf('failed_task_charged'));
    assert.deepEqual(of('completed_task_not_charged'), idsOf('completed_task_not_charged'));
    assert.equal(money.length, 4);
    for (const x of money.filter((y) => y.kind === 'failed_task_charged')) {
      assert.equal(x.charged, (-Number(x.cost)).toFixed(2));
      assert.equal(x.correction, Number(x.cost).toFixed(2));
    }
    for (const x of money.filter((y) => y.kind === 'completed_task_not_charged')) {
      assert.equal(x.charged, '0.00');
      assert.equal(x.correction, (-Number(x.cost)).toFixed(2));
    }
  });

  test('the clock: the demo anchor from the database comment, else now()', async () => {
    const before = await queueNow(db);
    assert.ok(Math.abs(before.getTime() - Date.now()) < 60_000, 'a copy without the comment uses now()');
    await sql`comment on database ${sql.id(tdb.name)} is ${sql.lit(`kontor demo 1 built ${now.toISOString()}`)}`.execute(db);
    assert.equal((await queueNow(db)).toISOString(), now.toISOString());
    await sql`comment on database ${sql.id(tdb.name)} is null`.execute(db);
  });
});

describe('queue health', () => {
  test('p50/p95/p99 of wait and run times match a fixture of known durations', async () => {
    // A type of its own: 20 tasks waiting k s and running 10k s (k = 1..20), finished an hour ago.
    await sql`insert into public.task_cost_configs (task_type, base_cost_per_second, billable) values ('fixture_known', 0.001, true)`.execute(db);
    await sql`
      insert into public.tasks (user_id, task_type, status, attempts, created_at, updated_at, generation_started_at, generation_processed_at, cost)
      select (select id from public.users order by id limit 1), 'fixture_known', 'Complete', case when k <= 3 then 2 else 1 end,
             ${now.toISOString()}::timestamptz - interval '2 hours', ${now.toISOString()}::timestamptz,
             ${now.toISOString()}::timestamptz - interval '2 hours' + make_interval(secs => k),
             ${now.toISOString()}::timestamptz - interval '2 hours' + make_interval(secs => k + 10 * k), 0.01
        from generate_series(1, 20) k`.execute(db);
    const health = await getQueueHealth(db, mapping, { now, windowHours: 24 });
    const row = health.types.find((t) => t.taskType === 'fixture_known')!;
    // percentile_cont: linear interpolation between the closest ranks.
    const p = (xs: number[], q: number) => {
      const s = [...xs].sort((a, b) => a - b);
      const r = q * (s.length - 1);
      return s[Math.floor(r)] + (s[Math.ceil(r)] - s[Math.floor(r)]) * (r - Math.floor(r));
    };
    const waits = Array.from({ length: 20 }, (_, i) => i + 1);
    const runs = waits.map((k) => 10 * k);
    assert.ok(Math.abs(row.wait.p50! - 10.5) < 1e-9, `wait p50 ${row.wait.p50}`);
    assert.ok(Math.abs(row.wait.p95! - p(waits, 0.95)) < 1e-9);
    assert.ok(Math.abs(row.wait.p99! - p(waits, 0.99)) < 1e-9);
    assert.ok(Math.abs(row.run.p50! - 105) < 1e-9, `run p50 ${row.run.p50}`);
    assert.ok(Math.abs(row.run.p95! - p(runs, 0.95)) < 1e-9);
    assert.equal(row.completed, 20);
    assert.equal(row.failed, 0);
    assert.equal(row.failureRate, 0);
    assert.equal(row.retries, 3);
    assert.equal(row.queued, 0);
  });

  test('depth and oldest age per type; the alert when nobody is alive to take queued work', async () => {
    const health = await getQueueHealth(db, mapping, { now });
    const video = health.types.find((t) => t.taskType === 'video_travel_segment')!;
    assert.equal(video.oldestQueuedSeconds, 26 * 3600 + 5 * 60);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from public.tasks where status = 'Queued' and task_type = 'video_travel_segment'`.execute(db);
    assert.equal(video.queued, Number(rows[0].n));
    assert.equal(health.liveWorkers, 22);
    assert.deepEqual(health.alerts, []);
    const later = await getQueueHealth(db, mapping, { now: new Date(now.getTime() + 86_400_000) });
    assert.equal(later.liveWorkers, 0);
    assert.deepEqual(later.alerts.map((a) => a.taskType).sort(), ['image_generation', 'video_travel_segment']);
  });

  test('the planner setting the window read changes is put back for the rest of the transaction', async () => {
    for (const before of ['on', 'off']) {
      const after = await db.transaction().execute(async (trx) => {
        await sql`select set_config('enable_seqscan', ${before}, true)`.execute(trx);
        await getQueueHealth(trx, mapping, { now });
        const { rows } = await sql<{ v: string }>`select current_setting('enable_seqscan') as v`.execute(trx);
        return rows[0].v;
      });
      assert.equal(after, before);
    }
  });

  test('throughput buckets cover the span', async () => {
    const hours = await getThroughput(db, mapping, { now, bucket: 'hour', span: 24 });
    assert.equal(hours.length, 24);
    const days = await getThroughput(db, mapping, { now, bucket: 'day', span: 14 });
    assert.equal(days.length, 14);
    assert.ok(days.reduce((n, d) => n + d.completed, 0) > 1000);
  });
});

describe('task list, detail and workers', () => {
  const page = { sort: 'created' as const, desc: true, limit: 25, offset: 0 };

  test('search by id and by a value inside params; free text is refused with a hint', async () => {
    const [queued] = idsOf('task_queued_for_hours');
    const byId = await listTasks(db, mapping, { ...page, filter: {}, search: parseTaskSearch(queued.toUpperCase()) });
    assert.deepEqual(byId.rows.map((r) => r.id), [queued]);
    const bySeed = await listTasks(db, mapping, { ...page, filter: { type: 'video_travel_segment' }, search: parseTaskSearch('seed = 1001') });
    assert.equal(bySeed.rows.length, 1, 'numeric params value');
    assert.ok(idsOf('task_queued_for_hours').includes(bySeed.rows[0].id));
    const byModel = await listTasks(db, mapping, { ...page, filter: { status: 'queued' }, search: parseTaskSearch('resolution=1080p') });
    assert.ok(byModel.rows.length >= 3 && byModel.rows.every((r) => r.status === 'Queued'));
    const free = parseTaskSearch('lighthouse');
    assert.equal(free.kind, 'invalid');
    assert.deepEqual((await listTasks(db, mapping, { ...page, filter: {}, search: free })).rows, []);
  });

  test('filters and whitelisted sorts page on the server', async () => {
    const r = await listTasks(db, mapping, { ...page, sort: 'cost', filter: { status: 'failed', type: 'lora_training' }, search: { kind: 'none' } });
    assert.equal(r.rows.length, 25);
    assert.ok(r.hasMore);
    assert.ok(r.rows.every((x) => x.status === 'Failed' && x.taskType === 'lora_training'));
    const costs = r.rows.map((x) => Number(x.cost));
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a));
    const worker = await listTasks(db, mapping, { ...page, filter: { worker: 'gpu-us-east-24', status: 'inProgress' }, search: { kind: 'none' } });
    assert.deepEqual(worker.rows.map((x) => x.id).sort(), idsOf('task_on_dead_worker'));
    assert.equal(taskFilterSchema.parse({ status: 'Complete; drop', user: 'nope', from: '2026-11-01T00:00' }).status, undefined);
  });

  test('the detail of a failed task that was charged shows its ledger entry', async () => {
    const [id] = idsOf('failed_task_charged');
    const t = (await getTask(db, mapping, id))!;
    assert.equal(t.status, 'Failed');
    assert.equal(t.ledger.length, 1);
    assert.equal(t.ledger[0].type, 'spend');
    assert.equal(t.charged, (-Number(t.cost)).toFixed(2));
    assert.equal(t.billable, true);
    assert.ok(t.waitSeconds! > 0 && t.runSeconds! > 0);
    assert.equal(await getTask(db, mapping, '00000000-0000-4000-8000-000000000000'), null);
  });

  test('workers: only the silent one is stale; in flight against concurrency', async () => {
    const { rows, total } = await listWorkers(db, mapping, { now, staleMinutes: 5, sort: 'heartbeat', desc: true, limit: 50, offset: 0, filter: '' });
    assert.equal(total, 30);
    assert.deepEqual(rows.filter((w) => w.stale).map((w) => w.id), idsOf('silent_worker'));
    const dead = rows.find((w) => w.id === 'gpu-us-east-24')!;
    assert.equal(dead.inFlight, 2);
    assert.equal(dead.stale, false, 'terminated: not expected to beat');
    assert.ok(rows.every((w) => w.concurrency === 2 || w.concurrency === 4));
    const filtered = await listWorkers(db, mapping, { now, staleMinutes: 5, sort: 'id', desc: false, limit: 50, offset: 0, filter: 'terminated' });
    assert.ok(filtered.rows.every((w) => w.status === 'terminated') && filtered.total >= 1);
  });

  test('workers by attention (the page\'s default): active first, the silent one at the top; by heartbeat, the most recent first', async () => {
    const first = await listWorkers(db, mapping, { now, staleMinutes: 5, sort: 'attention', desc: true, limit: 3, offset: 0, filter: '' });
    assert.deepEqual([first.rows[0].id], idsOf('silent_worker'));
    assert.ok(first.rows.every((w) => w.status === 'active'));
    const all = await listWorkers(db, mapping, { now, staleMinutes: 5, sort: 'attention', desc: true, limit: 50, offset: 0, filter: '' });
    const firstOther = all.rows.findIndex((w) => w.status !== 'active');
    assert.equal(all.rows.slice(firstOther).some((w) => w.status === 'active'), false, 'no active worker after the others');
    const ages = all.rows.slice(firstOther).map((w) => w.heartbeatAgeSeconds ?? -1);
    assert.deepEqual(ages, [...ages].sort((a, b) => a - b), 'the others: the most recently seen first');
    const recent = await listWorkers(db, mapping, { now, staleMinutes: 5, sort: 'heartbeat', desc: true, limit: 50, offset: 0, filter: '' });
    const seen = recent.rows.map((w) => w.heartbeatAgeSeconds ?? Infinity);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'Last heartbeat, descending: the newest first');
  });
});

describe('alerting faces: /metrics and kontor tasks health', () => {
  test('Prometheus text: depth, oldest age, stale workers, stuck tasks by kind', async () => {
    const text = formatMetrics(await collectMetrics(db, mapping, { now }));
    assert.match(text, /^# TYPE kontor_queue_depth gauge$/m);
    assert.match(text, /^kontor_queue_oldest_age_seconds\{task_type="video_travel_segment"\} 93900$/m);
    assert.match(text, /^kontor_tasks_stuck\{kind="task_on_dead_worker"\} 2$/m);
    assert.match(text, /^kontor_tasks_stuck\{kind="task_queued_for_hours"\} 3$/m);
    assert.match(text, /^kontor_workers_stale 1$/m);
    assert.match(text, /^kontor_workers_live 22$/m);
    assert.equal(formatMetrics([{ name: 'x', help: 'h', samples: [{ labels: { a: 'q"\\\n' }, value: 1 }] }]), '# HELP x h\n# TYPE x gauge\nx{a="q\\"\\\\\\n"} 1\n');
  });

  test('the bearer token: exact match only, nobody when unset', () => {
    const token = 'metrics-token-0123456789';
    assert.equal(bearerMatches(`Bearer ${token}`, token), true);
    assert.equal(bearerMatches(`bearer ${token}`, token), true);
    assert.equal(bearerMatches(`Bearer ${token}x`, token), false);
    assert.equal(bearerMatches(`Basic ${token}`, token), false);
    assert.equal(bearerMatches(null, token), false);
    assert.equal(bearerMatches('Bearer ', token), false);
    assert.equal(bearerMatches(`Bearer ${token}`, undefined), false);
  });

  test('kontor tasks health: the demo snapshot has 5 stuck tasks and 1 silent worker', async () => {
    await sql`comment on database ${sql.id(tdb.name)} is ${sql.lit(`kontor demo 1 built ${now.toISOString()}`)}`.execute(db);
    try {
      const r = await tasksHealth(db, 5);
      assert.equal(r.now, now.toISOString());
      assert.equal(r.snapshot, true);
      assert.equal(r.stuck.length, 5);
      assert.deepEqual(r.silent.map((w) => w.id), idsOf('silent_worker'));
      assert.equal(parseStale('0'), null);
      assert.equal(parseStale(undefined), 5);
    } finally {
      await sql`comment on database ${sql.id(tdb.name)} is null`.execute(db);
    }
  });
});

describe('task_running_too_long: far past its type\'s usual run time', () => {
  // A copy of its own: the rows planted here would be findings for the tests above.
  let own: TestDatabase;
  let odb: Kysely<KontorDatabase>;
  const ids: Record<string, string> = {};
  const iso = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();
  const runningIds = async (m = mapping, staleMinutes?: number) =>
    (await findStuckTasks(odb, m, { now, staleMinutes })).filter((s) => s.kind === 'task_running_too_long');

  /** `count` completed tasks of `type` a day ago, the k-th running `run(k)` seconds. */
  async function history(type: string, count: number, run: string) {
    await sql`
      insert into public.tasks (user_id, task_type, status, attempts, created_at, updated_at, generation_started_at, generation_processed_at, cost)
      select (select id from public.users order by id limit 1), ${type}, 'Complete', 1, c, c + make_interval(secs => 5 + ${sql.raw(run)}),
             c + interval '5 seconds', c + make_interval(secs => 5 + ${sql.raw(run)}), 0.01
        from generate_series(1, ${count}) k, lateral (select ${now.toISOString()}::timestamptz - interval '1 day' - k * interval '10 minutes' as c) x`.execute(odb);
  }
  /** An In Progress task on a live worker, started `startedAgo` seconds before now (null: no start time). */
  async function running(name: string, type: string, startedAgo: number | null, createdAgo = startedAgo ?? 0) {
    const { rows: [r] } = await sql<{ id: string }>`
      insert into public.tasks (user_id, task_type, status, attempts, worker_id, created_at, updated_at, generation_started_at, cost)
      values ((select id from public.users order by id limit 1), ${type}, 'In Progress', 1,
              (select id from public.workers where status = 'active' and last_heartbeat > ${now.toISOString()}::timestamptz - interval '1 minute' order by id limit 1),
              ${iso(createdAgo)}::timestamptz, ${iso(60)}::timestamptz, ${startedAgo === null ? null : iso(startedAgo)}::timestamptz, 0.01)
      returning id::text`.execute(odb);
    ids[name] = r.id;
  }

  before(async () => {
    own = await demoDatabase();
    odb = createDb(own.url, { max: 2 });
    await sql`insert into public.task_cost_configs (task_type, base_cost_per_second, billable)
              select t, 0.001, true from unnest(array['fixture_quick', 'fixture_slow', 'fixture_rare', 'fixture_new']) t`.execute(odb);
    await history('fixture_quick', 40, '60 + k * 1.5');   // 61.5 .. 120 s: p95 about 117 s
    await history('fixture_slow', 40, '7200 + k * 180');  // 2 h .. 4 h
    await history('fixture_rare', 5, '60');               // too few to go by
    await running('quickLong', 'fixture_quick', 2 * 3600);
    await running('quickUnderFloor', 'fixture_quick', 20 * 60); // 10 x its p95, but under the floor
    await running('slowNormal', 'fixture_slow', 5 * 3600);
    await running('slowLong', 'fixture_slow', 15 * 3600);
    await running('rareLong', 'fixture_rare', 3 * 3600);
    await running('rareNormal', 'fixture_rare', 90 * 60);
    await running('newStarted', 'fixture_new', 4 * 3600);
    await running('newUnstarted', 'fixture_new', null, 10 * 3600);
  });
  after(async () => {
    await odb?.destroy();
    await own?.drop();
  });

  test('a planted long runner is found, against its type\'s p95 and the columns that timed it', async () => {
    const found = (await runningIds()).find((s) => s.id === ids.quickLong);
    assert.ok(found, 'quickLong');
    assert.equal(found.status, 'In Progress');
    assert.equal(found.taskType, 'fixture_quick');
    assert.equal(found.ageSeconds, 2 * 3600, 'seconds since it started');
    assert.ok(found.workerId, 'on a live worker: found all the same');
    assert.match(found.why, /^In progress for 2 h; its type usually runs 117 s \(p95 of the last 40 completed, generation_processed_at - generation_started_at\), and 30 min \(3 x p95, at least 30 min\) is the limit\.$/);
  });

  test('a long-running type within its normal time is not, nor a quick one under the floor', async () => {
    const found = (await runningIds()).map((s) => s.id);
    assert.ok(!found.includes(ids.slowNormal), '5 h of a 2-4 h type');
    assert.ok(found.includes(ids.slowLong), '15 h of a 2-4 h type (limit 3 x p95, about 11.7 h)');
    assert.ok(!found.includes(ids.quickUnderFloor), `20 min is under the ${RUN_FLOOR_MINUTES} min floor`);
  });

  test('a type with too little history uses the default; no history and no start time is not flagged', async () => {
    const found = await runningIds();
    const rare = found.find((s) => s.id === ids.rareLong)!;
    assert.match(rare.why, new RegExp(`its type has only 5 completed runs in 90 days \\(generation_processed_at - generation_started_at, the longest 60 s\\), too few to go by: the default limit of ${RUN_DEFAULT_MINUTES / 60} h applies\\.$`));
    assert.ok(!found.some((s) => s.id === ids.rareNormal), `90 min is under the default ${RUN_DEFAULT_MINUTES} min`);
    assert.match(found.find((s) => s.id === ids.newStarted)!.why, /^In progress for 4 h; its type has no completed run in 90 days: the default limit of 2 h applies\.$/);
    assert.ok(!found.some((s) => s.id === ids.newUnstarted), 'no history, no start: its 10 h may be mostly waiting');
  });

  test('exactly the planted ones, longest first; a task on a dead worker is task_on_dead_worker only', async () => {
    const all = await findStuckTasks(odb, mapping, { now });
    assert.deepEqual(all.filter((s) => s.kind === 'task_running_too_long').map((s) => s.id), [ids.slowLong, ids.newStarted, ids.rareLong, ids.quickLong]);
    // The demo's two orphans have run 3 h of a 44 s type: on a dead worker, they are that and nothing else.
    assert.deepEqual(all.filter((s) => idsOf('task_on_dead_worker').includes(s.id)).map((s) => s.kind), ['task_on_dead_worker', 'task_on_dead_worker']);
  });

  test('a product without a workers table: the orphans are found as running too long', async () => {
    const { workers: _workers, ...rest } = demoPreset;
    const { workerId: _workerId, ...columns } = demoPreset.tasks.columns;
    const noWorkers = parseMapping({ ...rest, tasks: { ...demoPreset.tasks, columns }, absent: { ...rest.absent, workers: 'no workers table' } });
    assert.equal(noWorkers.workers, undefined);
    const all = await findStuckTasks(odb, noWorkers, { now });
    assert.equal(all.filter((s) => s.kind === 'task_on_dead_worker').length, 0);
    const found = all.filter((s) => s.kind === 'task_running_too_long');
    assert.deepEqual(found.map((s) => s.id).sort(), [ids.slowLong, ids.newStarted, ids.rareLong, ids.quickLong, ...idsOf('task_on_dead_worker')].sort());
    const orphan = found.find((s) => s.id === idsOf('task_on_dead_worker')[0])!;
    assert.equal(orphan.workerId, null);
    assert.match(orphan.why, /^In progress for 3\.\d h; its type usually runs \d+ s \(p95 of the last 2000 completed, /);
  });

  test('no type or start column: one history of all tasks, updated_at - created_at, timed since created', async () => {
    const { taskType: _t, startedAt: _s, processedAt: _p, ...columns } = demoPreset.tasks.columns;
    const bare = parseMapping({ ...demoPreset, tasks: { ...demoPreset.tasks, columns } });
    const found = await runningIds(bare);
    const slow = found.find((s) => s.id === ids.slowLong)!;
    assert.equal(slow.taskType, null);
    assert.match(slow.why, /^In progress for 15 h \(since created: it has no start time\); tasks here usually run .+ \(p95 of the last 2000 completed, updated_at - created_at\)/);
    assert.ok(found.some((s) => s.id === ids.newUnstarted), 'with history to go by, no start time is no excuse');
    assert.ok(!found.some((s) => s.id === ids.quickUnderFloor));
  });

  test('kontor tasks health lists them and exits 1', async (t) => {
    await sql`comment on database ${sql.id(own.name)} is ${sql.lit(`kontor demo 1 built ${now.toISOString()}`)}`.execute(odb);
    const r = await tasksHealth(odb, 5);
    assert.equal(r.stuck.filter((s) => s.kind === 'task_running_too_long').length, 4);
    const printed = t.mock.method(console, 'log', () => undefined);
    assert.equal(await tasksCommand.run({ db: odb, json: false, args: ['health'], values: {} }), 1);
    const text = String(printed.mock.calls[0].arguments[0]);
    assert.match(text, new RegExp(`^STUCK task_running_too_long ${ids.quickLong} \\(fixture_quick\\): In progress for 2 h;`, 'm'));
  });
});
