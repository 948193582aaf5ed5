import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { detectFromCatalog, detectMapping, type CatalogTable } from '@/lib/mapping/detect';
import { PRESETS } from '@/lib/mapping/presets';
import { CONCEPTS, parseMapping, type MappingInput } from '@/lib/mapping/schema';
import { validateMapping } from '@/lib/mapping/validate';
import { assertMappingFits } from '@/lib/mapping/active';

/** A catalog holding exactly the tables and columns a preset names. */
function catalogOf(preset: MappingInput): CatalogTable[] {
  const m = parseMapping(preset);
  const tables = new Map<string, CatalogTable>();
  for (const c of CONCEPTS) {
    const spec = m[c];
    if (!spec) continue;
    const k = `${spec.table.schema}.${spec.table.name}`;
    const t = tables.get(k) ?? { schema: spec.table.schema, name: spec.table.name, columns: [], statuses: {} };
    for (const col of [spec.key, ...Object.values(spec.columns as Record<string, string | undefined>)]) {
      if (col && !t.columns.some((x) => x.name === col)) t.columns.push({ name: col, type: 'text' });
    }
    tables.set(k, t);
  }
  return [...tables.values()];
}

describe('detectFromCatalog', () => {
  test('each preset is told apart from the others by the names it uses', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      assert.equal(detectFromCatalog(catalogOf(preset)).preset, name, `a database shaped like ${name}`);
    }
  });

  test('a near miss is not a fit: it names what is missing', () => {
    const catalog = catalogOf(PRESETS.reigh).map((t) =>
      t.name === 'tasks' ? { ...t, columns: t.columns.filter((c) => c.name !== 'orchestrator_task_id') } : t);
    const d = detectFromCatalog(catalog);
    assert.notEqual(d.preset, 'reigh');
    const reigh = d.scores.find((s) => s.preset === 'reigh')!;
    assert.deepEqual(reigh.missing, ['public.tasks.orchestrator_task_id']);
  });
});

describe('detection on a live database', () => {
  let t: TestDatabase;
  let db: Kysely<unknown>;
  before(async () => {
    t = await emptyDatabase();
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 2 }) }) });
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
    assert.deepEqual(d.found, [{ concept: 'users', table: 'app.profiles' }, { concept: 'tasks', table: 'app.jobs' }]);
    const m = parseMapping(d.mapping);
    assert.equal(m.users?.columns.name, 'full_name');
    assert.equal(m.tasks?.columns.taskType, 'kind');
    assert.deepEqual(m.tasks?.statuses, { queued: 'pending', inProgress: 'running', complete: 'done', failed: 'error' });
    assert.deepEqual((await validateMapping(db, m)).available, ['users', 'tasks']);
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
