import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { activeMapping } from '@/lib/mapping';
import { asOfBalance, getStatement, listStatementUsers, parsePeriod, STATEMENT_COLUMNS } from '@/lib/domain/statement';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { TEST_ANCHOR } from '@/test/db';
import { booksToday } from '@/lib/domain/clock';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const cents = (s: string) => Math.round(Number(s) * 100);
const mapping = activeMapping();

test('opening + activity = closing for every day of the demo, and each closing is the ledger sum at that moment', async () => {
  const period = parsePeriod({ period: 'custom', from: '2026-09-15', to: '2026-11-20' }, TEST_ANCHOR);
  const { total, days } = await getStatement(f.db, { staff: f.staff.finance, mapping }, period);
  assert.equal(days.length, 67);
  const { rows: sums } = await sql<{ day: string; sum: string }>`
    select d::date::text as day, (select coalesce(sum(amount), 0) from public.credits_ledger where created_at < d + interval '1 day')::text as sum
      from generate_series('2026-09-15'::timestamp, '2026-11-20'::timestamp, interval '1 day') d`.execute(f.db);
  let previous = total.opening;
  days.forEach((d, i) => {
    assert.equal(d.opening, previous, `${d.day} opens where the day before closed`);
    const activity = cents(d.grants) - cents(d.spends) + cents(d.adjustments) - cents(d.refunds) - cents(d.expiries) + cents(d.other);
    assert.equal(cents(d.opening) + activity, cents(d.closing), d.day);
    assert.equal(cents(d.closing), cents(sums[i].sum), `${d.day} closing = SQL sum`);
    previous = d.closing;
  });
  assert.equal(total.closing, days.at(-1)!.closing);
  assert.ok(days.some((d) => Number(d.grants) > 0) && days.some((d) => Number(d.expiries) > 0) && days.some((d) => Number(d.refunds) > 0));
});

test('per-user rows add up to the totals', async () => {
  const period = parsePeriod({ period: 'month', month: '2026-10' }, TEST_ANCHOR);
  const { total } = await getStatement(f.db, { staff: f.staff.finance, mapping }, period);
  const sum = Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, 0]));
  let offset = 0;
  for (;;) {
    const page = await listStatementUsers(f.db, { staff: f.staff.finance, mapping }, period, { sort: 'closing', desc: true, limit: 500, offset, filter: '' });
    for (const r of page.rows) for (const c of STATEMENT_COLUMNS) sum[c] += cents(r[c]);
    offset += 500;
    if (offset >= page.total) break;
  }
  for (const c of STATEMENT_COLUMNS) assert.equal(sum[c], cents(total[c]), c);
});

test('as-of balances equal a replay of the ledger', async () => {
  const { rows: users } = await sql<{ id: string }>`select id::text from public.users order by id limit 5`.execute(f.db);
  for (const { id } of users) {
    const { rows: entries } = await sql<{ at: Date; amount: string }>`
      select created_at as at, amount::text from public.credits_ledger where user_id = ${id} order by created_at, id`.execute(f.db);
    for (const at of [new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T12:34:56Z'), TEST_ANCHOR]) {
      const replay = entries.filter((e) => e.at <= at).reduce((s, e) => s + cents(e.amount), 0);
      const r = await asOfBalance(f.db, { staff: f.staff.finance, mapping }, id, at);
      assert.equal(cents(r.balance), replay, `${id} at ${at.toISOString()}`);
    }
  }
});

test('as of no moment is the database\'s now: an entry just made is counted, though the demo\'s anchor is earlier', async () => {
  const { rows: [user] } = await sql<{ id: string }>`select id::text from public.users order by id limit 1`.execute(f.admin);
  const rollback = new Error('rollback');
  // In a transaction rolled back: the ledger is append-only, so the entry is never left behind.
  await assert.rejects(f.admin.transaction().execute(async (trx) => {
    const before = await asOfBalance(trx, { staff: f.staff.finance, mapping }, user.id, null);
    const { rows: [made] } = await sql<{ id: string; at: Date }>`
      insert into public.credits_ledger (user_id, amount, type, description) values (${user.id}, 7.25, 'manual', 'as-of test')
      returning id::text, clock_timestamp() as at`.execute(trx);
    // The default the page used (the books' today: the demo's anchor) is before the entry.
    assert.ok((await booksToday(trx, mapping)) < made.at);
    const after = await asOfBalance(trx, { staff: f.staff.finance, mapping }, user.id, null);
    assert.ok(after.recent.some((e) => e.id === made.id));
    assert.equal(cents(after.balance) - cents(before.balance), 725);
    throw rollback;
  }), (e) => e === rollback);
});

test('a month in progress (and a custom period past today) lists its days through today only', async () => {
  const month = parsePeriod({ period: 'month', month: '2026-11' }, TEST_ANCHOR);
  const { days, total } = await getStatement(f.db, { staff: f.staff.finance, mapping }, month);
  assert.deepEqual([days.length, days[0].day, days.at(-1)?.day], [20, '2026-11-01', '2026-11-20']);
  assert.equal(days.at(-1)?.closing, total.closing);
  const custom = parsePeriod({ period: 'custom', from: '2026-11-15', to: '2026-12-31' }, TEST_ANCHOR);
  assert.equal((await getStatement(f.db, { staff: f.staff.finance, mapping }, custom)).days.at(-1)?.day, '2026-11-20');
  const past = await getStatement(f.db, { staff: f.staff.finance, mapping }, parsePeriod({ period: 'month', month: '2026-10' }, TEST_ANCHOR));
  assert.equal(past.days.length, 31);
});

test('the statement needs credits.read', async () => {
  await assert.rejects(() => getStatement(f.db, { staff: f.staff.viewer, mapping }, parsePeriod({}, TEST_ANCHOR)));
});

test('periods from the URL are validated, with defaults for what is wrong', () => {
  const p = parsePeriod({ period: 'custom', from: '2026-11-10', to: 'nonsense' }, TEST_ANCHOR);
  assert.equal(p.kind, 'month');
  assert.equal(p.from.toISOString(), '2026-11-01T00:00:00.000Z');
  const d = parsePeriod({ period: 'day', day: '2026-11-02' }, TEST_ANCHOR);
  assert.equal(d.to.getTime() - d.from.getTime(), 86_400_000);
});
