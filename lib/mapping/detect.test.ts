import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, sql } from 'kysely';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { bestVariant, detectFromCatalog, detectMapping, readCatalog, type CatalogColumn, type CatalogTable } from '@/lib/mapping/detect';
import { PRESETS, PRESET_VARIANTS } from '@/lib/mapping/presets';
import { CONCEPTS, parseMapping, type MappingInput } from '@/lib/mapping/schema';
import { parseColumn } from '@/lib/mapping/sql';
import { validateMapping } from '@/lib/mapping/validate';
import { assertMappingFits } from '@/lib/mapping/active';
import { createDb } from '@/db/connect';

/** A catalog holding exactly the tables and columns a preset names (a JSON field's column, no constants). */
function catalogOf(preset: MappingInput): CatalogTable[] {
  const m = parseMapping(preset);
  const tables = new Map<string, CatalogTable>();
  for (const c of CONCEPTS) {
    const spec = m[c];
    if (!spec) continue;
    const k = `${spec.table.schema}.${spec.table.name}`;
    const t = tables.get(k) ?? { schema: spec.table.schema, name: spec.table.name, columns: [], statuses: {} };
    const specs = [spec.key, ...Object.values(spec.columns as Record<string, string | undefined>), ...Object.keys(spec.where ?? {})];
    for (const s of specs) {
      const p = s ? parseColumn(s) : null;
      const parts = !p ? [] : p.kind === 'coalesce' || p.kind === 'concat' ? p.parts : p.kind === 'lookup' ? [{ kind: 'column' as const, column: p.local }] : [p];
      for (const part of parts) {
        if (part.kind === 'constant') continue;
        if (!t.columns.some((x) => x.name === part.column)) t.columns.push({ name: part.column, type: part.kind === 'json' ? 'jsonb' : 'text' });
      }
    }
    tables.set(k, t);
  }
  return [...tables.values()];
}

/** The catalog of one version of a preset: what it names, and the columns that mark it (if any). */
function catalogOfVariant(variant: { mapping: MappingInput }): CatalogTable[] {
  const tables = catalogOf(variant.mapping);
  for (const mark of (variant as { marks?: string[] }).marks ?? []) {
    const [schema, name, column] = mark.split('.');
    let t = tables.find((x) => x.schema === schema && x.name === name);
    if (!t) tables.push((t = { schema, name, columns: [], statuses: {} }));
    t.columns.push({ name: column, type: 'text' });
  }
  return tables;
}

describe('detectFromCatalog', () => {
  test('each preset is told apart from the others by the names it uses', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      assert.equal(detectFromCatalog(catalogOf(preset)).preset, name, `a database shaped like ${name}`);
    }
  });

  test('each version of a preset is detected as its preset, and read with its own mapping', () => {
    for (const [name, variants] of Object.entries(PRESET_VARIANTS)) {
      for (const v of variants) {
        const catalog = catalogOfVariant(v);
        const d = detectFromCatalog(catalog);
        assert.equal(d.preset, name, `a database shaped like ${name} ${v.version}`);
        assert.equal(d.scores[0].version, v.version, `${name} ${v.version}`);
        assert.equal(bestVariant(name, catalog), v.mapping, `${name} ${v.version}`);
      }
    }
  });

  test('a near miss is not a fit: it names what is missing', () => {
    // Without tasks.created_at (a required column), none of Reigh's versions fits.
    const catalog = catalogOfVariant(PRESET_VARIANTS.reigh[0]).map((t) =>
      t.name === 'tasks' ? { ...t, columns: t.columns.filter((c) => c.name !== 'created_at') } : t);
    const d = detectFromCatalog(catalog);
    assert.notEqual(d.preset, 'reigh');
    const reigh = d.scores.find((s) => s.preset === 'reigh')!;
    assert.deepEqual(reigh.missing, ['public.tasks.created_at']);
  });
});

/** A column of a hand-made catalog: `type`, then what the catalog query would say about it. */
const c = (name: string, type: string, more: Partial<CatalogColumn> = {}): CatalogColumn => ({ name, type, ...more });
const table = (schema: string, name: string, columns: CatalogColumn[]): CatalogTable => ({ schema, name, columns, statuses: {} });
const users = table('public', 'profiles', [
  c('id', 'uuid', { pk: true, references: { schema: 'auth', table: 'users', column: 'id' } }), c('email', 'text'), c('created_at', 'timestamp with time zone'),
]);
const toUsers = { references: { schema: 'public', table: 'profiles', column: 'id' } };
const queue = (schema: string, name: string) => table(schema, name, [
  c('id', 'bigint', { pk: true }), c('user_id', 'uuid', toUsers),
  c('state', 'text', { values: ['queued', 'running', 'succeeded', 'failed'] }), c('job_type', 'text'), c('payload', 'jsonb'),
  c('attempts', 'integer'), c('created_at', 'timestamp with time zone'), c('started_at', 'timestamp with time zone'), c('finished_at', 'timestamp with time zone'),
]);

describe('discovery by structure', () => {
  test('a to-do table named exactly "tasks" loses to a job queue by structure, and is named as a near miss', () => {
    const todo = table('public', 'tasks', [
      c('id', 'integer', { pk: true }), c('title', 'text'), c('status', 'text', { values: ['todo', 'doing', 'done'] }),
      c('assignee', 'text'), c('due_date', 'date'), c('created_at', 'timestamp with time zone'),
    ]);
    const d = detectFromCatalog([users, todo, queue('render', 'generation_runs')]);
    const tasks = d.found.find((f) => f.concept === 'tasks')!;
    assert.equal(tasks.table, 'render.generation_runs');
    assert.ok(tasks.reasons.some((r) => /queue's values/.test(r)), tasks.reasons.join('; '));
    const miss = tasks.nearMisses.find((n) => n.table === 'public.tasks')!;
    assert.ok(miss.reasons.some((r) => /to-do/.test(r)), miss.reasons.join('; '));
    const m = parseMapping(d.mapping);
    assert.deepEqual(m.tasks?.statuses, { queued: 'queued', inProgress: 'running', complete: 'succeeded', failed: 'failed' });
    assert.equal(m.tasks?.columns.userId, 'user_id');
    // With no ledger to charge them, tasks are shown and never billed.
    assert.equal(m.tasks?.billing, 'none');
  });

  test('on a tie of structure, the well-known name wins', () => {
    const d = detectFromCatalog([users, queue('public', 'job_archive'), queue('public', 'jobs')]);
    assert.equal(d.found.find((f) => f.concept === 'tasks')?.table, 'public.jobs');
  });

  test('payments by amount, paid-like statuses, a user, a provider reference and a time; integer amounts with a currency are cents', () => {
    const charges = table('shop', 'charges', [
      c('id', 'uuid', { pk: true }), c('customer_id', 'uuid', toUsers), c('total', 'integer', { min: 500, mid: 2500 }), c('currency', 'text'),
      c('state', 'text', { values: ['requires_payment_method', 'succeeded', 'failed', 'refunded'] }), c('stripe_charge_id', 'text'),
      c('created_at', 'timestamp with time zone'),
    ]);
    // An amount and a time, but no user and no status: a price list, not payments.
    const prices = table('public', 'payments_prices', [c('id', 'integer', { pk: true }), c('amount', 'numeric(10,2)'), c('created_at', 'timestamp with time zone')]);
    const d = detectFromCatalog([users, charges, prices]);
    const m = parseMapping(d.mapping);
    assert.equal(d.found.find((f) => f.concept === 'payments')?.table, 'shop.charges');
    assert.equal(m.payments?.amountUnit, 'minor');
    assert.deepEqual(m.payments?.columns, {
      amount: 'total', status: 'state', userId: 'customer_id', providerRef: 'stripe_charge_id', provider: "'stripe'", currency: 'currency', createdAt: 'created_at',
    });
    assert.deepEqual(m.payments?.statuses, { created: 'requires_payment_method', completed: 'succeeded', failed: 'failed', refunded: 'refunded' });
    const reasons = d.found.find((f) => f.concept === 'payments')!.reasons.join('; ');
    assert.match(reasons, /paid-like values \(succeeded\)/);
    assert.match(reasons, /minor units/);
  });

  test('a ledger by signed amounts and entry types, tied to the tasks and payments found; not taken for payments', () => {
    const payments = table('public', 'payments', [
      c('id', 'uuid', { pk: true }), c('user_id', 'uuid', toUsers), c('amount', 'numeric(10,2)', { min: 4.99, mid: 9.99 }),
      c('status', 'text', { values: ['paid', 'failed'] }), c('created_at', 'timestamp with time zone'),
    ]);
    const wallet = table('public', 'wallet_entries', [
      c('id', 'bigint', { pk: true }), c('user_id', 'uuid', toUsers), c('delta', 'integer', { min: -40, mid: -5 }),
      c('reason', 'text', { values: ['topup', 'usage', 'refund', 'bonus'] }), c('job_id', 'bigint', { references: { schema: 'public', table: 'jobs', column: 'id' } }),
      c('payment_id', 'uuid', { references: { schema: 'public', table: 'payments', column: 'id' } }), c('created_at', 'timestamp with time zone'),
    ]);
    const d = detectFromCatalog([users, payments, wallet, queue('public', 'jobs')]);
    const m = parseMapping(d.mapping);
    assert.equal(d.found.find((f) => f.concept === 'ledger')?.table, 'public.wallet_entries');
    assert.equal(d.found.find((f) => f.concept === 'payments')?.table, 'public.payments');
    assert.equal(m.payments?.amountUnit, 'major');
    assert.deepEqual(m.ledger?.types, { purchase: 'topup', spend: 'usage', refund: 'refund', grant: 'bonus' });
    assert.equal(m.ledger?.columns.taskId, 'job_id');
    assert.equal(m.ledger?.columns.paymentId, 'payment_id');
    assert.equal(m.tasks?.billing, 'per-task');
  });

  test('usage counters are never guessed, and each concept not found says why', () => {
    const d = detectFromCatalog([users]);
    assert.match(d.missed.find((x) => x.concept === 'usageCounters')!.why, /not guessed/);
    assert.deepEqual(parseMapping(d.mapping).absent.payments, 'no table of this database looks like one');
  });
});

describe('detection on a live database', () => {
  let t: TestDatabase;
  let db: Kysely<unknown>;
  before(async () => {
    t = await emptyDatabase();
    db = createDb(t.url, { max: 2 });
  });
  after(async () => {
    await db.destroy();
    await t.drop();
  });

  test('a plain Postgres with unrelated tables: no preset, no concept, nothing to fail on', async () => {
    await sql`create table public.warehouses (id serial primary key, city text not null);
              create table public.inventory_items (sku text primary key, warehouse_id int references public.warehouses, qty int)`.execute(db);
    const d = await detectMapping(db);
    assert.equal(d.preset, null);
    assert.deepEqual(d.found, []);
    const check = await validateMapping(db, parseMapping(d.mapping));
    assert.deepEqual(check.available, []);
    await assertMappingFits(db, parseMapping(d.mapping), 'detected');
  });

  test('concepts are found by their common names, statuses by their values', async () => {
    await sql`create schema app;
              create table app.profiles (id uuid primary key, email text not null, full_name text, created_at timestamptz);
              create table app.jobs (id bigint primary key, user_id uuid, status text not null, created_at timestamptz not null, kind text);
              insert into app.jobs select g, null, (array['pending', 'running', 'done', 'error'])[g % 4 + 1], now(), 'render'
                from generate_series(1, 400) g;
              analyze app.jobs`.execute(db);
    const d = await detectMapping(db);
    assert.equal(d.preset, null);
    assert.deepEqual(d.found.map(({ concept, table }) => ({ concept, table })), [{ concept: 'users', table: 'app.profiles' }, { concept: 'tasks', table: 'app.jobs' }]);
    const m = parseMapping(d.mapping);
    assert.equal(m.users?.columns.name, 'full_name');
    assert.equal(m.tasks?.columns.taskType, 'kind');
    assert.deepEqual(m.tasks?.statuses, { queued: 'pending', inProgress: 'running', complete: 'done', failed: 'error' });
    assert.deepEqual((await validateMapping(db, m)).available, ['users', 'tasks']);
  });

  test('the catalog says what detection by structure reads: keys, references, CHECK lists, enum labels, numeric ranges', async () => {
    await sql`create schema shop;
              create type shop.pay_state as enum ('open', 'paid', 'void');
              create table shop.buyers (id bigint primary key, email text);
              create table shop.payments (id uuid primary key, buyer_id bigint references shop.buyers, state shop.pay_state not null,
                                          amount_cents integer not null, channel text check (channel in ('web', 'ios')), created_at timestamptz);
              insert into shop.payments select gen_random_uuid(), null, 'paid', g * 10 - 300, 'web', now() from generate_series(1, 200) g;
              analyze shop.payments`.execute(db);
    const t = (await readCatalog(db)).find((x) => x.schema === 'shop' && x.name === 'payments')!;
    const col = (name: string) => t.columns.find((x) => x.name === name)!;
    assert.equal(col('id').pk, true);
    assert.deepEqual(col('buyer_id').references, { schema: 'shop', table: 'buyers', column: 'id' });
    assert.deepEqual(col('state').values, ['open', 'paid', 'void']);
    assert.deepEqual(col('channel').values, ['web', 'ios']);
    assert.equal(col('amount_cents').min, -290);
    assert.ok(col('amount_cents').mid! > 600 && col('amount_cents').mid! < 1100, String(col('amount_cents').mid));
    assert.equal(t.rows, 200);
  });

  test('a configured mapping naming a missing table or column fails, naming each', async () => {
    await assert.rejects(
      assertMappingFits(db, parseMapping(PRESETS.seydam), 'KONTOR_PRESET=seydam'),
      (err: Error) => {
        assert.equal(err.name, 'MappingConfigError');
        assert.match(err.message, /KONTOR_PRESET=seydam/);
        assert.match(err.message, /Users: table public\.seydam_customuser does not exist/);
        assert.match(err.message, /Payments: table public\.seydam_payment does not exist/);
        return true;
      },
    );
    const file = parseMapping({
      name: 'mine',
      users: { table: { schema: 'app', name: 'profiles' }, key: 'id', columns: { email: 'email', credits: 'balance' } },
    });
    await assert.rejects(assertMappingFits(db, file, 'KONTOR_MAPPING (mine.json)'), /Users: column app\.profiles\.balance \(credits\) does not exist/);
  });
});
