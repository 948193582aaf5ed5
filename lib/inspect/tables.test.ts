import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { read } from '@/db/index';
import { countRowsExactly, listTables, listTableSchemas, TABLE_SORTS } from '@/lib/inspect/tables';
import { getTableDetail, MASK, sampleRows } from '@/lib/inspect/table-detail';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';

for (const major of [17, 15] as const) {
  describe(`tables on PostgreSQL ${major}`, () => {
    let d: DemoCopy;
    before(async () => { d = await warmDemo(major); });
    after(() => d.close());
    const r = <T,>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, d.db);

    test('sizes and row estimates equal what Postgres reports', async () => {
      const { rows } = await r((trx) => listTables(trx, { q: 'public.payments', limit: 10 }));
      const p = rows.find((x) => x.schema === 'public' && x.name === 'payments')!;
      const truth = (await sql<{ total: string; idx: string; toast: string; reltuples: number }>`
        select pg_total_relation_size(c.oid)::text as total, pg_indexes_size(c.oid)::text as idx,
               pg_total_relation_size(c.reltoastrelid)::text as toast, c.reltuples::float8 as reltuples
          from pg_class c where c.oid = 'public.payments'::regclass`.execute(d.db)).rows[0];
      assert.equal(p.totalBytes, Number(truth.total));
      assert.equal(p.indexBytes, Number(truth.idx));
      assert.equal(p.toastBytes, Number(truth.toast));
      assert.equal(p.tableBytes, Number(truth.total) - Number(truth.idx) - Number(truth.toast));
      assert.equal(p.estimatedRows, Math.round(truth.reltuples));
      assert.equal(p.rls, true);
      const exact = await r((trx) => countRowsExactly(trx, 'public', 'payments'));
      assert.equal(exact, Number((await sql<{ n: string }>`select count(*)::text as n from public.payments`.execute(d.db)).rows[0].n));
      assert.ok(p.bloatRatio !== null && p.bloatRatio < 0.2, 'a freshly loaded table is not bloated');
    });

    test('scan and write counters move by exactly what a session does', async () => {
      const get = async () => (await r((trx) => listTables(trx, { schema: 'public', q: 'promo_codes' }))).rows[0];
      const before = await get();
      await d.run('set enable_indexscan = off', 'set enable_bitmapscan = off',
        'select count(*) from public.promo_codes', 'select count(*) from public.promo_codes', 'select count(*) from public.promo_codes');
      await d.run('set enable_seqscan = off', "select * from public.promo_codes where code = 'X'", "select * from public.promo_codes where code = 'Y'");
      await d.run(`insert into public.promo_codes (code, credits) values ('TEST-1', 1)`);
      const after = await get();
      assert.equal(after.seqScans - before.seqScans, 3);
      assert.equal(after.idxScans - before.idxScans, 2);
      assert.equal(after.inserts - before.inserts, 1);
    });

    test('every system schema is left out; Supabase and Kontor schemas are listed and filterable', async () => {
      const schemas = await r((trx) => listTableSchemas(trx));
      for (const s of ['public', 'auth', 'storage', 'kontor']) assert.ok(schemas.includes(s), s);
      assert.ok(!schemas.some((s) => s === 'pg_catalog' || s === 'information_schema' || s.startsWith('pg_toast')));
      const auth = await r((trx) => listTables(trx, { schema: 'auth', sort: 'name', limit: 100 }));
      assert.ok(auth.rows.length > 0 && auth.rows.every((x) => x.schema === 'auth'));
      assert.equal(auth.total, auth.rows.length);
    });

    test('paging, sorting and a filter with LIKE wildcards', async () => {
      const all = await r((trx) => listTables(trx, { sort: 'name', limit: 500 }));
      const page2 = await r((trx) => listTables(trx, { sort: 'name', limit: 5, offset: 5 }));
      assert.equal(page2.total, all.total);
      assert.deepEqual(page2.rows.map((x) => x.name), all.rows.slice(5, 10).map((x) => x.name));
      const bySize = await r((trx) => listTables(trx, { sort: 'total', limit: 500 }));
      for (let i = 1; i < bySize.rows.length; i++) assert.ok(bySize.rows[i - 1].totalBytes >= bySize.rows[i].totalBytes);
      for (const sort of TABLE_SORTS) await r((trx) => listTables(trx, { sort, limit: 3 }));
      const none = await r((trx) => listTables(trx, { q: '%_%' }));
      assert.equal(none.total, 0, 'wildcards match literally');
    });

    test('detail: columns, keys both ways, triggers, policies', async () => {
      const t = (await r((trx) => getTableDetail(trx, 'public', 'payments')))!;
      assert.ok(t.columns.some((c) => c.name === 'amount' && c.type.startsWith('numeric')));
      assert.ok(t.references.some((f) => f.table === 'users'));
      assert.ok(t.referencedBy.some((f) => f.table === 'credits_ledger'));
      const check = t.constraints.find((c) => c.name === 'payments_amount_positive')!;
      assert.equal(check.validated, false);
      const tasks = (await r((trx) => getTableDetail(trx, 'public', 'tasks')))!;
      assert.ok(tasks.policies.length > 0 && tasks.triggers.length > 0);
      assert.equal(await r((trx) => getTableDetail(trx, 'public', 'no_such_table')), null);
    });

    test('the sample masks secret-looking columns before they leave Postgres', async () => {
      const t = (await r((trx) => getTableDetail(trx, 'auth', 'users')))!;
      const secret = t.columns.filter((c) => c.secret).map((c) => c.name);
      assert.ok(secret.includes('encrypted_password'));
      assert.ok(secret.includes('confirmation_token'));
      assert.ok(!secret.includes('email'));
      const sample = await r((trx) => sampleRows(trx, t));
      const at = sample.columns.indexOf('encrypted_password');
      assert.ok(sample.rows.length > 0);
      assert.ok(sample.rows.every((row) => row[at] === MASK || row[at] === null));
      assert.doesNotMatch(JSON.stringify(sample), /\$2[aby]\$/, 'no bcrypt hash in the sample');
    });
  });
}
