import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADVISORS, type Finding } from '@/lib/inspect/advisors';
import { ADVISORS_WITH_SQL, fixSqlFor, splitQuoted } from '@/lib/inspect/advisors/fix-sql';
import { OBJECTS_SHOWN, pageFindings } from '@/lib/inspect/advisors/page';

const finding = (id: string, level: Finding['level'], category: Finding['category'], n: number): Finding => ({
  id, name: id, level, category, why: '', fix: '',
  objects: Array.from({ length: n }, (_, i) => ({ object: `public.t${i}`, table: `public.t${i}`, related: [], detail: '', sql: '' })),
  suppressed: [],
});

const FINDINGS = [
  finding('b_warn', 'warning', 'performance', 3),
  finding('a_err', 'error', 'security', 40),
  finding('c_info', 'info', 'integrity', 1),
];
const base = { q: '', sort: 'level' as const, desc: false, limit: 25, offset: 0 };

test('findings sort by level (error first), by category, or by how many objects', () => {
  assert.deepEqual(pageFindings(FINDINGS, base).rows.map((r) => r.id), ['a_err', 'b_warn', 'c_info']);
  assert.deepEqual(pageFindings(FINDINGS, { ...base, sort: 'category' }).rows.map((r) => r.id), ['c_info', 'b_warn', 'a_err']);
  assert.deepEqual(pageFindings(FINDINGS, { ...base, sort: 'objects', desc: true }).rows.map((r) => r.id), ['a_err', 'b_warn', 'c_info']);
});

test('filters by level, category and text (id, name or object); pages; bounds the objects sent', () => {
  assert.deepEqual(pageFindings(FINDINGS, { ...base, level: 'info' }).rows.map((r) => r.id), ['c_info']);
  assert.deepEqual(pageFindings(FINDINGS, { ...base, category: 'performance' }).rows.map((r) => r.id), ['b_warn']);
  assert.deepEqual(pageFindings(FINDINGS, { ...base, q: 'public.t39' }).rows.map((r) => r.id), ['a_err']);
  const paged = pageFindings(FINDINGS, { ...base, limit: 1, offset: 1 });
  assert.deepEqual([paged.total, paged.rows.map((r) => r.id)], [3, ['b_warn']]);
  const big = pageFindings(FINDINGS, base).rows[0];
  assert.equal(big.objects.length, OBJECTS_SHOWN);
  assert.equal(big.objectCount, 40);
});

test('every advisor has fix SQL, built from the quoted names it reports', () => {
  assert.deepEqual([...ADVISORS_WITH_SQL].sort(), ADVISORS.map((a) => a.id).sort());
  assert.deepEqual(splitQuoted('public.tasks/"a/b ""x"""', '/'), ['public.tasks', '"a/b ""x"""']);
  assert.equal(
    fixSqlFor('not_valid_constraint', { object: 'public."My T"/chk', table: 'public."My T"', related: [], detail: '' }),
    'ALTER TABLE public."My T" VALIDATE CONSTRAINT chk;',
  );
  assert.match(
    fixSqlFor('policy_using_true_private', { object: 'public.logs/"all/read"', table: 'public.logs', related: [], detail: '' }),
    /^ALTER POLICY "all\/read" ON public\.logs\n/,
  );
});
