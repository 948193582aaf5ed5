/**
 * A section whose read hits the statement timeout says so where its content would have been, with what
 * would make it fast, and the page renders on (issue 22): real reads cut off by a tiny statement_timeout
 * and a lock wait, then ReadProblem rendered to HTML as the server sends it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { sql } from 'kysely';
import pg from 'pg';
import { kyselyOver, read } from '@/db/index';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { attempt, type Attempt, type SpeedHint } from '@/app/(console)/_lib/attempt';
import { lastHourOf, oneDayOf, slowHints } from '@/app/(console)/_lib/speed-hints';
import { ReadProblem } from '@/app/(console)/_components/section';

let tdb: TestDatabase;
let pool: pg.Pool;
before(async () => {
  tdb = await emptyDatabase();
  pool = new pg.Pool({ connectionString: tdb.url, max: 2 });
  await pool.query('create table ledger (id int primary key, created_at timestamptz)');
});
after(async () => {
  await pool?.end();
  await tdb?.drop();
});

const INDEX: SpeedHint = { kind: 'index', table: 'public.ledger', sql: 'create index concurrently on public.ledger (created_at);', why: 'it finds the period by time' };
const slowRead = () => read((trx) => sql`select pg_sleep(2)`.execute(trx), { statementTimeoutMs: 100 }, kyselyOver(pool));

function html<T>(r: Attempt<T>): string {
  assert.equal(r.ok, false);
  if (r.ok) throw new Error('unreachable');
  return renderToStaticMarkup(createElement(ReadProblem, { title: 'The statement could not be read', problem: r }));
}

test('a read cut off by the statement timeout is said on the page with what would make it fast', async () => {
  let asked = 0;
  const r = await attempt(slowRead, {
    whenSlow: slowHints(oneDayOf('/finance/statement', { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }), async () => {
      asked++;
      return [INDEX];
    }),
  });
  assert.ok(!r.ok && r.kind === 'timeout', JSON.stringify(r));
  assert.equal(asked, 1);
  const page = html(r);
  assert.match(page, /The statement could not be read/);
  assert.match(page, /longer than the statement timeout/);
  assert.match(page, /What would make it fast/);
  assert.match(page, /create index concurrently on public\.ledger \(created_at\);/);
  assert.match(page, /href="\/finance\/statement\?period=day&amp;day=2026-11-30"/);
  // What the error boundary (every area's error.tsx: "… could not be shown") and the whole-page bench look for is not there.
  assert.doesNotMatch(page, /could not be shown/);
});

test('a hint finder that fails itself leaves the timeout message and a general suggestion', async () => {
  const r = await attempt(slowRead, { whenSlow: async () => { throw new Error('catalog read failed'); } });
  assert.ok(!r.ok && r.kind === 'timeout' && r.hints.length === 0, JSON.stringify(r));
  assert.match(html(r), /ask for less: a shorter period, a filter/);
});

test('a lock wait is a timeout too, but no index or shorter period is offered for it', async () => {
  const holder = await pool.connect();
  try {
    await holder.query('begin; lock table ledger in access exclusive mode');
    let asked = 0;
    const r = await attempt(
      () => read((trx) => sql`select count(*) from ledger`.execute(trx), { statementTimeoutMs: 5000, lockTimeoutMs: 100 }, kyselyOver(pool)),
      { whenSlow: async () => { asked++; return [INDEX]; } },
    );
    assert.ok(!r.ok && r.kind === 'timeout', JSON.stringify(r));
    assert.match(r.message, /waited too long for a lock/);
    assert.equal(asked, 0);
    assert.doesNotMatch(html(r), /create index/);
  } finally {
    await holder.query('rollback');
    holder.release();
  }
});

test('an unexpected failure is logged, not shown, and offers nothing', async () => {
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => { errors.push(args); };
  try {
    const r = await attempt(async () => { throw new Error('secret detail'); }, { whenSlow: [INDEX] });
    assert.ok(!r.ok && r.kind === 'other' && r.hints.length === 0);
    assert.doesNotMatch(html(r), /secret detail/);
    assert.equal(errors.length, 1);
  } finally {
    console.error = original;
  }
});

test('the narrower questions: one day of a longer period, the last hour of a longer window', () => {
  assert.deepEqual(oneDayOf('/finance/usage-costs', { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }), []);
  assert.deepEqual(oneDayOf('/finance/usage-costs', { from: new Date('2026-11-24T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }), [
    { kind: 'narrower', label: 'Only 2026-11-30: one day of the 7 asked for', href: '/finance/usage-costs?period=day&day=2026-11-30' },
  ]);
  assert.deepEqual(lastHourOf('/tasks/queue', 1), []);
  assert.deepEqual(lastHourOf('/tasks/queue', 24), [{ kind: 'narrower', label: 'Only the last hour, not 24 h', href: '/tasks/queue?window=1' }]);
});
