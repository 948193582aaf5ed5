import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { parseColumn, specColumns, specProblem } from '@/lib/mapping/column-spec';
import { mappingSchema, parseMapping, type MappingInput } from '@/lib/mapping/schema';
import { validateMapping } from '@/lib/mapping/validate';
import { columnOf, displayColumn, insertColumns, isWritable, keyOf, tableOf, writeTableOf } from '@/lib/mapping/sql';
import { createDb } from '@/db/connect';

describe('column specs', () => {
  test('each form parses', () => {
    assert.deepEqual(parseColumn('user_id'), { kind: 'column', column: 'user_id' });
    assert.deepEqual(parseColumn("'paypal'"), { kind: 'constant', value: 'paypal' });
    assert.deepEqual(parseColumn('params->contract->>task_id'), { kind: 'json', column: 'params', path: ['contract', 'task_id'] });
    assert.deepEqual(parseColumn('coalesce(params->contract->>task_id, params->>task_id_ref)'), {
      kind: 'coalesce',
      parts: [{ kind: 'json', column: 'params', path: ['contract', 'task_id'] }, { kind: 'json', column: 'params', path: ['task_id_ref'] }],
    });
    assert.deepEqual(parseColumn("period_start || 'x' || metadata->>plan"), {
      kind: 'concat',
      parts: [{ kind: 'column', column: 'period_start' }, { kind: 'constant', value: 'x' }, { kind: 'json', column: 'metadata', path: ['plan'] }],
    });
    assert.deepEqual(parseColumn('(select user_id from public.ai_clones where id = clone_id)'), {
      kind: 'lookup', local: 'clone_id', table: { schema: 'public', name: 'ai_clones' }, key: 'id', value: 'user_id',
    });
    assert.deepEqual(parseColumn('(SELECT owner FROM teams WHERE id = team_id)'), {
      kind: 'lookup', local: 'team_id', table: { schema: 'public', name: 'teams' }, key: 'id', value: 'owner',
    });
    // A quoted JSON key may hold the separators.
    assert.deepEqual(parseColumn("coalesce(meta->>'a,b', meta->>'c||d')"), {
      kind: 'coalesce',
      parts: [{ kind: 'json', column: 'meta', path: ['a,b'] }, { kind: 'json', column: 'meta', path: ['c||d'] }],
    });
  });

  test('the columns a spec reads, and what is refused', () => {
    assert.deepEqual(specColumns('coalesce(params->>a, params->>b, legacy_parent)'), ['params', 'legacy_parent']);
    assert.deepEqual(specColumns('(select user_id from ai_clones where id = clone_id)'), ['clone_id']);
    assert.deepEqual(specColumns("'x'"), []);
    assert.equal(specProblem('coalesce(params->>a, params->b)'), 'a JSON path must end in ->> (a text field), e.g. metadata->>session_id');
    assert.equal(specProblem("'a' || 'b'"), 'at least one part must read a column');
    assert.equal(specProblem('a || '), 'a column cannot be empty');
    assert.equal(specProblem('x'.repeat(64)), 'Postgres identifiers are at most 63 bytes');
    assert.equal(specProblem('coalesce(params->>a, params->>b)'), null);
    const parsed = mappingSchema.safeParse({ name: 't', tasks: { table: { name: 't' }, key: 'id', columns: { status: 's', createdAt: 'c', parentId: 'params->a' } } });
    assert.equal(parsed.success, false);
  });

  test('how they are shown', () => {
    assert.equal(displayColumn('coalesce(params->c->>t, params->>r)'), "coalesce(params->'c'->>'t', params->>'r')");
    assert.equal(displayColumn('period_start || period_end'), "period_start || '|' || period_end");
    assert.equal(displayColumn('(select user_id from ai_clones where id = clone_id)'), '(select user_id from public.ai_clones where id = clone_id)');
  });
});

// A product whose tasks belong to a user through a clone, name their parent in either of two JSON
// fields, and whose payments are for a period written in two columns.
const FIXTURE = `
  create table public.users (id uuid primary key, email text not null);
  create table public.ai_clones (id uuid primary key, user_id uuid references public.users(id), name text);
  create table public.ai_tasks (id uuid primary key, clone_id uuid references public.ai_clones(id), status text not null,
    params jsonb not null default '{}', created_at timestamptz not null default now());
  create table public.invoices (id bigint primary key, user_id uuid, amount_cents int, status text, period_start date, period_end date,
    created_at timestamptz default now());
  insert into public.users values ('00000000-0000-0000-0000-000000000001', 'ada@example.com'), ('00000000-0000-0000-0000-000000000002', 'bob@example.com');
  insert into public.ai_clones values ('10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000001', 'ada bot'),
    ('10000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000002', 'bob bot');
  insert into public.ai_tasks (id, clone_id, status, params) values
    ('20000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000001', 'done', '{}'),
    ('20000000-0000-0000-0000-000000000002', '10000000-0000-0000-0000-000000000001', 'done', '{"contract": {"parent": "20000000-0000-0000-0000-000000000001"}}'),
    ('20000000-0000-0000-0000-000000000003', '10000000-0000-0000-0000-000000000002', 'done', '{"parent_ref": "20000000-0000-0000-0000-000000000001"}'),
    ('20000000-0000-0000-0000-000000000004', null, 'queued', '{}');
  insert into public.invoices values (1, '00000000-0000-0000-0000-000000000001', 900, 'paid', '2026-10-01', '2026-10-31'),
    (2, '00000000-0000-0000-0000-000000000001', 900, 'paid', '2026-10-01', '2026-10-31'),
    (3, '00000000-0000-0000-0000-000000000001', 900, 'paid', '2026-11-01', '2026-11-30');
`;

const MAPPING: MappingInput = {
  name: 'clones',
  users: { table: { name: 'users' }, key: 'id', columns: { email: 'email' } },
  tasks: {
    table: { name: 'ai_tasks' },
    key: 'id',
    columns: {
      status: 'status', createdAt: 'created_at', userId: '(select user_id from public.ai_clones where id = clone_id)',
      parentId: 'coalesce(params->contract->>parent, params->>parent_ref)',
    },
  },
  payments: {
    table: { name: 'invoices' },
    key: 'id',
    columns: { userId: 'user_id', amount: 'amount_cents', status: 'status', createdAt: 'created_at', periodKey: 'period_start || period_end' },
  },
};

describe('derived columns on a live database', () => {
  let t: TestDatabase;
  let db: Kysely<unknown>;
  before(async () => {
    t = await emptyDatabase();
    db = createDb(t.url, { max: 2 });
    await sql.raw(FIXTURE).execute(db);
  });
  after(async () => {
    await db.destroy();
    await t.drop();
  });

  test('a task reads its user through its clone and its parent from either field', async () => {
    const { mapping, concepts } = await validateMapping(db, parseMapping(MAPPING));
    assert.deepEqual(concepts.find((c) => c.concept === 'tasks')?.problems, []);
    const tasks = mapping.tasks!;
    const { rows } = await sql<{ id: string; user_id: string | null; parent: string | null }>`
      select ${keyOf(tasks, 't')}::text as id, ${columnOf(tasks, 'userId', 't')}::text as user_id, ${columnOf(tasks, 'parentId', 't')} as parent
        from ${tableOf(tasks)} t order by 1`.execute(db);
    assert.deepEqual(rows.map((r) => [r.id.slice(-1), r.user_id?.slice(-1) ?? null, r.parent?.slice(-1) ?? null]), [
      ['1', '1', null], ['2', '1', '1'], ['3', '2', '1'], ['4', null, null],
    ]);
    // The user's tasks, as the user page asks for them: the clone's user is a uuid, compared as one.
    const ada = await sql<{ n: number }>`select count(*)::int as n from ${tableOf(tasks)} t
      where ${columnOf(tasks, 'userId', 't')} = ${'00000000-0000-0000-0000-000000000001'}`.execute(db);
    assert.equal(ada.rows[0].n, 2);
    // A query that does not read the user never joins the clones (the planner removes the left join).
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select count(*) from ${tableOf(tasks)} t where ${columnOf(tasks, 'status', 't')} = 'done'`.execute(db);
    assert.ok(!plan.rows.map((r) => r['QUERY PLAN']).join('\n').includes('ai_clones'), 'no join to ai_clones');
    // Nothing derived is written.
    assert.equal(isWritable(tasks, 'userId'), false);
    assert.equal(isWritable(tasks, 'parentId'), false);
    assert.equal(isWritable(tasks, 'status'), true);
    const ins = insertColumns(tasks, { status: 'queued', userId: 'x', parentId: 'y' });
    const compiled = sql`insert into ${writeTableOf(tasks)} (${ins.columns}) values (${ins.values})`.compile(db);
    assert.equal(compiled.sql, 'insert into "public"."ai_tasks" ("status") values ($1)');
  });

  test('two payments for one period written in two columns share a key', async () => {
    const { mapping } = await validateMapping(db, parseMapping(MAPPING));
    const payments = mapping.payments!;
    const { rows } = await sql<{ period: string; n: number }>`
      select ${columnOf(payments, 'periodKey', 'p')} as period, count(*)::int as n from ${tableOf(payments)} p group by 1 order by 1`.execute(db);
    assert.deepEqual(rows, [{ period: '2026-10-01|2026-10-31', n: 2 }, { period: '2026-11-01|2026-11-30', n: 1 }]);
  });

  test('what is missing is named', async () => {
    const bad = parseMapping({
      ...MAPPING,
      tasks: { ...MAPPING.tasks!, columns: { ...MAPPING.tasks!.columns, userId: '(select owner_id from public.ai_clones where id = clone_id)', parentId: 'coalesce(params->>a, parent_id)' } },
      payments: { ...MAPPING.payments!, columns: { ...MAPPING.payments!.columns, periodKey: 'period_start || period_stop' } },
    });
    const { concepts, mapping } = await validateMapping(db, bad);
    const tasks = concepts.find((c) => c.concept === 'tasks')!;
    assert.equal(tasks.available, true);
    assert.match(tasks.notes.join('\n'), /userId\) looks up owner_id of public\.ai_clones, which does not exist/);
    assert.match(tasks.notes.join('\n'), /parentId\) reads parent_id, which does not exist/);
    assert.equal(mapping.tasks?.columns.userId, undefined);
    assert.match(concepts.find((c) => c.concept === 'payments')!.notes.join(), /periodKey\) reads period_stop, which does not exist/);
    const noTable = parseMapping({ ...MAPPING, tasks: { ...MAPPING.tasks!, columns: { ...MAPPING.tasks!.columns, userId: '(select user_id from clones where id = clone_id)' } } });
    assert.match((await validateMapping(db, noTable)).concepts.find((c) => c.concept === 'tasks')!.notes.join(), /looks up public\.clones, which does not exist/);
  });
});
