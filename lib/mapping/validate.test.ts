import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import { demoDatabase, emptyDatabase, type TestDatabase } from '@/test/db';
import { parseMapping, type MappingInput } from '@/lib/mapping/schema';
import { validateMapping } from '@/lib/mapping/validate';
import { columnOf, tableOf } from '@/lib/mapping/sql';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { createDb } from '@/db/connect';

// A fixture shaped like part of the demo, plus a table whose names need quoting.
const FIXTURE = `
  create table public.users (id uuid primary key, email text not null, full_name text, created_at timestamptz default now(),
    credits numeric, given_credits numeric, tier_id int, status text);
  create table public.workers (id text primary key, status text, last_heartbeat timestamptz, metadata jsonb);
  create table public.tasks (id uuid primary key, status text, created_at timestamptz);
  create type public.job_state as enum ('Queued', 'In Progress', 'Complete', 'Failed');
  create table public.jobs (id uuid primary key, status public.job_state not null, created_at timestamptz);
  create schema "Odd ""Schema""";
  create table "Odd ""Schema"""."user.s" ("e-mail ""x""" text, "ID" int primary key);
  insert into "Odd ""Schema"""."user.s" values ('ada@example.com', 1), ('bob@example.com', 2);
`;

const ODD: MappingInput = {
  name: 'odd',
  users: { table: { schema: 'Odd "Schema"', name: 'user.s' }, key: 'ID', columns: { email: 'e-mail "x"' } },
};

describe('validateMapping', () => {
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

  test('a valid mapping passes', async () => {
    const check = await validateMapping(db, parseMapping({ ...ODD, workers: demoPreset.workers }));
    assert.deepEqual(check.available, ['users', 'workers']);
    assert.equal(check.mapping.users?.columns.email, 'e-mail "x"');
    assert.deepEqual(check.concepts.find((c) => c.concept === 'workers')?.notes, []);
  });

  test('a missing table hides its concept and is named', async () => {
    const check = await validateMapping(db, parseMapping(demoPreset));
    const payments = check.concepts.find((c) => c.concept === 'payments')!;
    assert.equal(payments.available, false);
    assert.match(payments.problems.join(), /table public\.payments does not exist/);
    assert.equal(check.mapping.payments, undefined);
    assert.ok(check.available.includes('users'));
  });

  test('a missing required column is named and the concept hidden', async () => {
    const check = await validateMapping(db, parseMapping({
      name: 't',
      tasks: { ...demoPreset.tasks, columns: { status: 'state', createdAt: 'created_at' } },
    }));
    const tasks = check.concepts.find((c) => c.concept === 'tasks')!;
    assert.equal(tasks.available, false);
    assert.deepEqual(tasks.problems, ['column public.tasks.state (status) does not exist']);
  });

  test('a missing optional column is dropped with a note', async () => {
    const check = await validateMapping(db, parseMapping({
      name: 't',
      workers: { ...demoPreset.workers, columns: { status: 'status', lastHeartbeat: 'last heartbeat' } },
    }));
    const workers = check.concepts.find((c) => c.concept === 'workers')!;
    assert.equal(workers.available, true);
    assert.match(workers.notes[0], /column public\.workers\."last heartbeat" \(lastHeartbeat\) does not exist/);
    assert.equal(check.mapping.workers?.columns.lastHeartbeat, undefined);
  });

  test('a status or filter value that its enum column cannot hold is named, not sent to every query', async () => {
    const jobs = {
      ...demoPreset.tasks, table: { schema: 'public', name: 'jobs' },
      columns: { status: 'status', createdAt: 'created_at' },
      statuses: { queued: 'Queued', inProgress: 'In Progress', complete: 'Complete', failed: 'Failed', cancelled: 'cancelled' },
    };
    const check = await validateMapping(db, parseMapping({ name: 't', tasks: jobs }));
    const tasks = check.concepts.find((c) => c.concept === 'tasks')!;
    assert.equal(tasks.available, true);
    assert.match(tasks.notes.join(), /status "cancelled" is mapped to 'cancelled', not a value of public\.jobs\.status \(Queued, In Progress, Complete, Failed\)/);
    assert.equal(check.mapping.tasks?.statuses.cancelled, undefined);
    assert.equal(check.mapping.tasks?.statuses.inProgress, 'In Progress');
    // What the console then reads: the statuses left compare as the enum; none is an error.
    const { rows } = await sql`select count(*)::int as n from public.jobs where status in ('Queued', 'In Progress')`.execute(db);
    assert.deepEqual(rows, [{ n: 0 }]);

    const filtered = await validateMapping(db, parseMapping({ name: 't', tasks: { ...jobs, statuses: {}, where: { status: ['Queued', 'queued'] } } }));
    const f = filtered.concepts.find((c) => c.concept === 'tasks')!;
    assert.equal(f.available, false);
    assert.match(f.problems.join(), /where "?status"? = 'queued': not a value of its type job_state/);
  });

  test('a missing key column is named', async () => {
    const check = await validateMapping(db, parseMapping({ ...ODD, users: { ...ODD.users!, key: 'id' } }));
    assert.match(check.concepts[0].problems.join(), /key column "Odd ""Schema"""\."user\.s"\.id does not exist/);
  });

  test('identifiers with odd characters are quoted, not concatenated', async () => {
    const users = parseMapping(ODD).users!;
    const query = sql<{ email: string }>`select ${columnOf(users, 'email')} as email from ${tableOf(users)} order by 1`;
    assert.equal(query.compile(db).sql, 'select "e-mail ""x""" as email from "Odd ""Schema"""."user.s" order by 1');
    const { rows } = await query.execute(db);
    assert.deepEqual(rows.map((r) => r.email), ['ada@example.com', 'bob@example.com']);
  });

  test('a table the role may not read is reported', async () => {
    await sql.raw(`create role kontor_limited; grant usage on schema public to kontor_limited`).execute(db);
    try {
      const check = await db.transaction().execute(async (trx) => {
        await sql`set local role kontor_limited`.execute(trx);
        return validateMapping(trx, parseMapping({ name: 't', workers: demoPreset.workers }));
      });
      assert.match(check.concepts.find((c) => c.concept === 'workers')!.problems[0], /may not read public\.workers/);
    } finally {
      await sql.raw(`drop owned by kontor_limited; drop role kontor_limited`).execute(db);
    }
  });
});

describe('parseMapping', () => {
  test('names the bad field', () => {
    assert.throws(() => parseMapping({ name: 'x', users: { table: { name: '' }, key: 'id', columns: {} } }), /users\.table\.name/);
  });
  test('the demo preset parses, with defaults filled in', () => {
    const m = parseMapping(demoPreset);
    assert.equal(m.payments?.amountUnit, 'major');
    assert.equal(m.apiCosts?.table.schema, 'public');
  });
});

describe('the demo preset against the demo database', () => {
  test('every concept is available, with every column', async () => {
    const t = await demoDatabase();
    const db = createDb<unknown>(t.url, { max: 1 });
    try {
      const check = await validateMapping(db, parseMapping(demoPreset));
      // Every concept is there, or the preset says why the demo has none.
      assert.deepEqual(check.concepts.filter((c) => (!c.available && !demoPreset.absent[c.concept as keyof typeof demoPreset.absent]) || c.notes.length), []);
      assert.deepEqual(check.available, ['users', 'payments', 'ledger', 'taskCostConfigs', 'tasks', 'workers', 'apiCosts', 'tiers']);
    } finally {
      await db.destroy();
      await t.drop();
    }
  });
});
