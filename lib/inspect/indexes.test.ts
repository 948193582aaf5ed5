import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql } from 'kysely';
import { read } from '@/db/index';
import { INDEX_SORTS, listIndexPages, listIndexVerdicts, listIndexes, listUnindexedForeignKeys } from '@/lib/inspect/indexes';
import { warmDemo, type DemoCopy } from '@/test/warm-demo';

interface Planted { kind: string; objects: string[] }
const manifest: Planted[] = JSON.parse(fs.readFileSync('db/demo/manifest.json', 'utf8'));
const planted = (kind: string) => manifest.find((m) => m.kind === kind)!.objects;

for (const major of [17, 15] as const) {
  describe(`index verdicts on PostgreSQL ${major}`, () => {
    let d: DemoCopy;
    before(async () => { d = await warmDemo(major); });
    after(() => d.close());
    const r = <T,>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, d.db);

    test('each planted index gets its verdict, and no clean index gets one', async () => {
      const { rows, total } = await r((trx) => listIndexes(trx, { verdict: 'any', limit: 1000 }));
      const found = rows.map((x) => `${x.verdict!.kind} ${x.schema}.${x.name}`).sort();
      // The duplicate pair: exactly one of the two is the one to drop.
      const [a, b] = planted('duplicate_index');
      const dup = rows.find((x) => x.verdict!.kind === 'duplicate')!;
      assert.ok([a, b].includes(`${dup.schema}.${dup.name}`));
      assert.match(dup.verdict!.reason, new RegExp(([a, b].find((n) => n !== `${dup.schema}.${dup.name}`)!).replace('.', '\\.')));
      assert.deepEqual(found, [
        `duplicate ${dup.schema}.${dup.name}`,
        `redundant ${planted('redundant_index')[0]}`,
        `unused ${planted('unused_index')[0]}`,
      ].sort());
      assert.equal(total, 3);
      const unused = rows.find((x) => x.verdict!.kind === 'unused')!;
      assert.equal(unused.verdict!.fix.split('\n').at(-1), 'DROP INDEX CONCURRENTLY public.idx_payments_amount;');
      assert.equal(unused.scans, 0);
    });

    test('the unindexed foreign key is the planted one, with the SQL to index it', async () => {
      const fks = await r((trx) => listUnindexedForeignKeys(trx));
      assert.deepEqual(fks.map((f) => `${f.schema}.${f.table}`), planted('unindexed_foreign_key'));
      assert.equal(fks[0].constraint, 'generations_task_id_fkey');
      assert.equal(fks[0].fix, 'CREATE INDEX CONCURRENTLY ON public.generations (task_id);');
    });

    test('Supabase-managed and Kontor schemas are listed but never judged', async () => {
      const auth = await r((trx) => listIndexes(trx, { schema: 'auth', limit: 100 }));
      assert.ok(auth.rows.some((x) => x.name === 'users_instance_id_idx'), 'the GoTrue prefix index is listed');
      assert.ok(auth.rows.every((x) => x.verdict === null));
      const kontor = await r((trx) => listIndexes(trx, { schema: 'kontor', limit: 100 }));
      assert.ok(kontor.total > 0 && kontor.rows.every((x) => x.verdict === null));
    });

    test('an invalid index left by a failed concurrent build, with quoted identifiers in the fix', async () => {
      await d.run('create schema "Odd Schema"', 'create table "Odd Schema"."t" (x int)', 'insert into "Odd Schema"."t" values (1), (1)');
      await assert.rejects(d.run('create unique index concurrently "bad ""idx""" on "Odd Schema"."t" (x)'));
      const { rows } = await r((trx) => listIndexes(trx, { verdict: 'invalid' }));
      assert.equal(rows.length, 1);
      assert.equal(rows[0].valid, false);
      assert.match(rows[0].verdict!.fix, /^REINDEX INDEX CONCURRENTLY "Odd Schema"\."bad ""idx""";/);
      await d.run('drop schema "Odd Schema" cascade');
    });

    test('verdicts decide on every part of an index, and the page and the advisors read the same ones', async () => {
      await d.run(
        'create schema edge',
        'create table edge.t (a int primary key, b int, c text, d text, x int)',
        'create index t_b on edge.t (b)', 'create index t_b2 on edge.t (b)', 'create index t_b_desc on edge.t (b desc)',
        'create index t_bc on edge.t (b, c)', 'create index t_c on edge.t (c)', 'create index t_c_c on edge.t (c collate "C")',
        'create index t_c_pat on edge.t (c text_pattern_ops)', 'create index t_cd on edge.t (c, d)',
        'create index t_lower on edge.t (lower(c))', 'create index t_lower2 on edge.t (lower( c ))', 'create index t_upper on edge.t (upper(c))',
        'create index t_part on edge.t (x) where x > 0', 'create index t_part2 on edge.t (x) where (x>0)',
        'create index t_part3 on edge.t (x) where x > 1', 'create index t_partx on edge.t (x, a) where x > 0',
        'create index t_incl on edge.t (x) include (b)', 'create index t_xb on edge.t (x, b)', 'create unique index t_ux on edge.t (x, c)',
        'create index t_hash on edge.t using hash (b)', 'create index t_hash2 on edge.t using hash (b)',
        'create table edge."Odd T" ("Col" int, "select" int, constraint "Odd T_u" unique ("Col"))',
        'create index "odd idx" on edge."Odd T" ("Col")', 'create index "select" on edge."Odd T" ("select")',
        'create index select2 on edge."Odd T" ("select")',
        'create table edge.p (a int, b int) partition by range (a)', 'create index p_a on edge.p (a)', 'create index p_a2 on edge.p (a)',
        'create materialized view edge.mv as select 1 as a, 2 as b', 'create index mv_a on edge.mv (a)', 'create index mv_ab on edge.mv (a, b)',
        'create table edge.big (id int, v text)', 'insert into edge.big select g, md5(g::text) from generate_series(1, 60000) g',
        'create index big_v on edge.big (v)', 'delete from edge.big where id % 10 <> 0', 'analyze edge.big',
        'set enable_seqscan = off', 'set enable_bitmapscan = off', `select count(*) from edge.big where v = 'x'`,
      );
      try {
        const page = await r((trx) => listIndexes(trx, { schema: 'edge', verdict: 'any', limit: 1000 }));
        const judged = page.rows.filter((x) => x.verdict!.kind !== 'unused')
          .map((x) => `${x.verdict!.kind} ${x.name} ${/(?:Identical to|lead) (.+?)(?::|, which)/.exec(x.verdict!.reason)?.[1] ?? ''}`.trim()).sort();
        assert.deepEqual(judged, [
          'bloated big_v',
          'duplicate p_a2 edge.p_a',
          'duplicate select2 edge.select',
          'duplicate t_b2 edge.t_b',
          'duplicate t_hash2 edge.t_hash',
          'duplicate t_lower2 edge.t_lower',
          'duplicate t_part2 edge.t_part',
          'redundant mv_a edge.mv_ab',
          'redundant odd idx edge.Odd T_u',
          'redundant t_b edge.t_bc',
          'redundant t_c edge.t_cd',
          'redundant t_part edge.t_partx',
        ]);
        const advisors = (await r((trx) => listIndexVerdicts(trx))).filter((v) => v.schema === 'edge');
        assert.deepEqual(advisors.map((v) => `${v.name} ${v.verdict.kind} ${v.verdict.reason}`).sort(),
          page.rows.map((x) => `${x.name} ${x.verdict!.kind} ${x.verdict!.reason}`).sort());
        const odd = advisors.find((v) => v.name === 'odd idx')!;
        assert.deepEqual([odd.qname, odd.qtable, odd.other], ['edge."odd idx"', 'edge."Odd T"', 'edge."Odd T_u"']);
        const one = await r((trx) => listIndexes(trx, { table: { schema: 'edge', name: 't' }, verdict: 'duplicate', limit: 100 }));
        assert.deepEqual(one.rows.map((x) => x.name).sort(), ['t_b2', 't_hash2', 't_lower2', 't_part2']);
        // The page's list and its findings from one statement (verdicts computed once, over every
        // schema): the same rows as each list read alone, scoped or not.
        const list = { schema: 'edge', sort: 'name' as const, limit: 7, offset: 3 };
        const [together, findings] = await r((trx) => listIndexPages(trx, [list, { verdict: 'any', limit: 1000 }]));
        assert.deepEqual(together, await r((trx) => listIndexes(trx, list)));
        assert.deepEqual(findings, await r((trx) => listIndexes(trx, { verdict: 'any', limit: 1000 })));
        assert.deepEqual(findings.rows.filter((x) => x.schema === 'edge'), page.rows);
        assert.equal(together.total, (await r((trx) => listIndexes(trx, { schema: 'edge', limit: 1000 }))).total);
      } finally {
        await d.run('drop schema edge cascade');
      }
    });

    test('scan counters move by exactly the scans a session performs', async () => {
      const get = async () => (await r((trx) => listIndexes(trx, { q: 'idx_projects_user_id' }))).rows[0];
      const before = await get();
      await d.run('set enable_seqscan = off', 'set enable_bitmapscan = off',
        `select id from public.projects where user_id = '00000000-0000-4000-8000-000000000000'`,
        `select id from public.projects where user_id = '00000000-0000-4000-8000-000000000001'`);
      const after = await get();
      assert.equal(after.scans - before.scans, 2);
    });

    test('every sort key runs, pages follow one another, and sizes equal pg_relation_size', async () => {
      for (const sort of INDEX_SORTS) {
        for (const desc of [false, true]) {
          // Page by page (a top-N sort each) is the same order as one longer page.
          const whole = (await r((trx) => listIndexes(trx, { sort, desc, limit: 12 }))).rows.map((x) => `${x.schema}.${x.name}`);
          const pages = await r((trx) => listIndexPages(trx, [0, 4, 8].map((offset) => ({ sort, desc, limit: 4, offset }))));
          assert.deepEqual(pages.flatMap((p) => p.rows.map((x) => `${x.schema}.${x.name}`)), whole, `${sort} ${desc ? 'desc' : 'asc'}`);
        }
      }
      const { rows } = await r((trx) => listIndexes(trx, { sort: 'size', limit: 3 }));
      const truth = await sql<{ n: string }>`select pg_relation_size(${`${rows[0].schema}.${rows[0].name}`}::regclass)::text as n`.execute(d.db);
      assert.equal(rows[0].sizeBytes, Number(truth.rows[0].n));
      assert.ok(rows[0].sizeBytes >= rows[1].sizeBytes);
      const tableOnly = await r((trx) => listIndexes(trx, { table: { schema: 'public', name: 'tasks' }, limit: 100 }));
      assert.ok(tableOnly.rows.length >= 8 && tableOnly.rows.every((x) => x.table === 'tasks'));
    });
  });
}
