import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { bestVariant, detectFromCatalog, detectMapping, type CatalogTable } from '@/lib/mapping/detect';
import { PRESETS, PRESET_VARIANTS } from '@/lib/mapping/presets';
import { CONCEPTS, parseMapping, type MappingInput } from '@/lib/mapping/schema';
import { parseColumn } from '@/lib/mapping/sql';
import { validateMapping } from '@/lib/mapping/validate';
import { assertMappingFits } from '@/lib/mapping/active';

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
      if (!p || p.kind === 'constant') continue;
      if (!t.columns.some((x) => x.name === p.column)) t.columns.push({ name: p.column, type: p.kind === 'json' ? 'jsonb' : 'text' });
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
    assert.deepEqual(d.found.map(({ concept, table }) => ({ concept, table })), [{ concept: 'users', table: 'app.profiles' }, { concept: 'tasks', table: 'app.jobs' }]);
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
