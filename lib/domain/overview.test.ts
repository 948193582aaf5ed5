import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { migrateToLatest } from '@/db/migrate';
import type { KontorDatabase } from '@/db/types';
import { loadStaff, type StaffContext } from '@/lib/auth/staff';
import { describeDetection, EXACT_LIMIT, getHeadlineFigure } from '@/lib/domain/overview';
import { detectFromCatalog } from '@/lib/mapping/detect';
import { parseMapping, validateMapping, type MappingCheck } from '@/lib/mapping';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { createDb } from '@/db/connect';

const STAFF_ID = '00000000-0000-4000-8000-000000000001';

// Demo-shaped tables without payments; tasks large enough to be estimated.
const FIXTURE = `
  create table public.users (id uuid primary key default gen_random_uuid(), email text not null);
  insert into public.users (email) select 'u' || g || '@example.com' from generate_series(1, 42) g;
  create table public.credits_ledger (id int primary key, user_id uuid, amount numeric, created_at timestamptz default now());
  create table public.workers (id text primary key, status text, last_heartbeat timestamptz);
  insert into public.workers values ('w1', 'active', now()), ('w2', 'active', now()), ('w3', 'gone', null);
  create table public.tasks (id int primary key, status text not null, created_at timestamptz default now());
  insert into public.tasks select g, case when g % 10 = 0 then 'Failed' when g % 3 = 0 then 'Queued' else 'Complete' end
    from generate_series(1, ${EXACT_LIMIT + 50_000}) g;
  analyze public.tasks;
`;

describe('overview headline figures', () => {
  let t: TestDatabase;
  let db: Kysely<KontorDatabase>;
  let staff: StaffContext;
  let check: MappingCheck;
  before(async () => {
    t = await emptyDatabase();
    db = createDb(t.url, { max: 2 });
    await migrateToLatest(db as Kysely<unknown>);
    await sql`insert into kontor.staff (user_id, email, role) values (${STAFF_ID}, 'v@kontor.dev', 'viewer')`.execute(db);
    staff = (await loadStaff(db, { userId: STAFF_ID, email: 'v@kontor.dev' }))!;
    await sql.raw(FIXTURE).execute(db);
    check = await validateMapping(db, parseMapping(demoPreset));
  });
  after(async () => {
    await db.destroy();
    await t.drop();
  });

  test('a concept whose table is missing yields nothing', async () => {
    assert.equal(await getHeadlineFigure(db, { staff, mapping: check.mapping }, check, 'payments'), null);
    assert.ok(!check.available.includes('payments'));
  });

  test('small tables are counted exactly', async () => {
    assert.deepEqual(await getHeadlineFigure(db, { staff, mapping: check.mapping }, check, 'users'), {
      concept: 'users',
      count: { value: 42, estimated: false },
    });
    assert.deepEqual(await getHeadlineFigure(db, { staff, mapping: check.mapping }, check, 'ledger'), {
      concept: 'ledger',
      count: { value: 0, estimated: false },
    });
  });

  test('statuses: mapped ones in order (zeros included), unknown ones after', async () => {
    const f = await getHeadlineFigure(db, { staff, mapping: check.mapping }, check, 'workers');
    assert.ok(f && 'total' in f.count);
    assert.deepEqual(f.count.total, { value: 3, estimated: false });
    assert.deepEqual(
      f.count.byStatus.map((s) => [s.label, s.value]),
      [['Active', 2], ['Inactive', 0], ['Terminated', 0], ['gone', 1]],
    );
  });

  test('large tables are estimated from planner statistics', async () => {
    const f = await getHeadlineFigure(db, { staff, mapping: check.mapping }, check, 'tasks');
    assert.ok(f && 'total' in f.count);
    const total = EXACT_LIMIT + 50_000;
    assert.equal(f.count.total.estimated, true);
    assert.ok(Math.abs(f.count.total.value - total) / total < 0.05, `total ${f.count.total.value}`);
    const failed = f.count.byStatus.find((s) => s.status === 'Failed')!;
    assert.equal(failed.label, 'Failed');
    assert.equal(failed.estimated, true);
    assert.ok(Math.abs(failed.value - total / 10) / (total / 10) < 0.25, `failed ${failed.value}`);
  });
});

describe('what detection found, for the Overview', () => {
  const profiles = {
    schema: 'app', name: 'profiles', statuses: {},
    columns: [{ name: 'id', type: 'uuid', pk: true }, { name: 'email', type: 'text' }],
  };
  const jobs = {
    schema: 'app', name: 'jobs', statuses: {},
    columns: [
      { name: 'id', type: 'bigint', pk: true }, { name: 'user_id', type: 'uuid', references: { schema: 'app', table: 'profiles', column: 'id' } },
      { name: 'status', type: 'text', values: ['pending', 'running', 'done', 'failed'] }, { name: 'created_at', type: 'timestamp with time zone' },
    ],
  };

  test('concepts found by structure come with their table, score and reasons; those not found with why', () => {
    const d = detectFromCatalog([profiles, jobs]);
    const view = describeDetection({ kind: 'detected', preset: d.preset, found: d.found, missed: d.missed })!;
    assert.equal(view.kind, 'structure');
    assert.deepEqual(view.found.map((f) => [f.label, f.table]), [['Users', 'app.profiles'], ['Tasks', 'app.jobs']]);
    const tasks = view.found.find((f) => f.concept === 'tasks')!;
    assert.ok(tasks.score > 0 && tasks.score <= 1);
    assert.ok(tasks.reasons.some((r) => /queue's values/.test(r)), tasks.reasons.join('; '));
    assert.match(view.missed.find((m) => m.concept === 'payments')!.why, /no table of this database looks like one/);
  });

  test('nothing found, a preset, or a configured mapping', () => {
    assert.equal(describeDetection({ kind: 'detected', preset: null, found: [], missed: [] })?.kind, 'nothing');
    assert.equal(describeDetection({ kind: 'detected', preset: 'reigh', found: [], missed: [] })?.kind, 'preset');
    assert.equal(describeDetection({ kind: 'preset', preset: 'reigh' }), null);
  });
});
