/**
 * Filters Postgres would choke on (a date that is no date, a NUL byte) are dropped before SQL and named
 * in a notice: the audit log, the finance periods and every list's free-text filter.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseTableQuery } from '@/lib/table-query';
import { read } from '@/db/index';
import { periodSchema, parsePeriod } from '@/lib/domain/statement';
import { ignoredFilters, isCalendarDay } from '@/lib/filters';
import { AUDIT_FILTER_LABELS, auditFilterSchema, listAudit } from '@/lib/guard/audit-list';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { periodProblem } from '@/app/(console)/finance/_lib/context';

test('calendar days', () => {
  for (const ok of ['2026-11-20', '2024-02-29', '0001-01-01', '9999-12-31']) assert.ok(isCalendarDay(ok), ok);
  for (const bad of ['2026-13-45', '2026-02-30', '2025-02-29', '0000-01-01', '2026-1-5', '2026-11-20\u0000', '20261120']) assert.ok(!isCalendarDay(bad), bad);
});

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

test('the audit log with a bad date or a NUL byte in its filters reads, and says what it ignored', async () => {
  const raw = { staff: 'admin\u0000@kontor.dev', action: undefined, target: 'user:\u0000', from: '2026-13-45', to: '0000-01-01' };
  const filter = auditFilterSchema.parse(raw);
  assert.deepEqual(filter, { staff: undefined, action: undefined, target: undefined, from: undefined, to: undefined });
  const page = await read((trx) => listAudit(trx, f.staff.admin, filter, { limit: 10, offset: 0, desc: true }), {}, f.db);
  assert.ok(Array.isArray(page.rows));
  const notice = ignoredFilters(raw, filter, AUDIT_FILTER_LABELS);
  assert.match(notice ?? '', /^Ignored filters that are not valid: staff email .*, target .*, from \(“2026-13-45”\), to \(“0000-01-01”\)\. Dates are YYYY-MM-DD\.$/);
  assert.doesNotMatch(notice ?? '', /\u0000/);
  assert.equal(ignoredFilters({ from: '2026-11-01' }, auditFilterSchema.parse({ from: '2026-11-01' }), AUDIT_FILTER_LABELS), null);
});

test('finance periods: a day that is no day falls back to today\'s day or month, and the page says so', () => {
  const today = new Date('2026-11-20T12:00:00Z');
  for (const [params, from] of [
    [{ period: 'custom', from: '2026-02-30', to: '2026-03-01' }, '2026-11-01'],
    [{ period: 'day', day: '0000-01-01' }, '2026-11-20'],
    [{ period: 'month', month: '0000-01' }, '2026-11-01'],
  ] as const) {
    assert.equal(parsePeriod(params, today).from.toISOString(), `${from}T00:00:00.000Z`, JSON.stringify(params));
    assert.ok(periodProblem(params), JSON.stringify(params));
  }
  assert.equal(periodProblem({ period: 'custom', from: '2026-02-01', to: '2026-02-28' }), null);
  assert.equal(periodSchema.parse({ from: '2026-02-29' }).from, undefined);
});

test('a list\'s free-text filter loses control characters (a NUL byte cannot reach Postgres)', () => {
  const q = parseTableQuery({ q: ' ada\u0000@example\u0007.com ' }, { sortable: ['a'], defaultSort: { id: 'a', desc: false } });
  assert.equal(q.q, 'ada@example.com');
});
