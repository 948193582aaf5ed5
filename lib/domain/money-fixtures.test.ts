/**
 * Money on the fixtures of real products: the story app's purchases in cents, Seydam's payments in
 * kobo and Reigh's ledger in cents at numeric(10,3) read as major units, with totals that agree with
 * the database; and one balance reads the same on the user page and on the finance account page.
 * The mapping is a file (KONTOR_MAPPING) rewritten per product: activeMapping() reads it on each call.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { emptyDatabase } from '@/test/db';
import { createDb } from '@/db/connect';

const file = path.join(os.tmpdir(), `kontor-money-${process.pid}.json`);
process.env.KONTOR_MAPPING = file;

const { buildFixture } = await import('@/db/fixtures/build');
const { PRESET_VARIANTS } = await import('@/lib/mapping/presets');
const { read } = await import('@/db/index');
const { loadStaff } = await import('@/lib/auth/staff');
const { listPayments, paymentTotals, getPayment } = await import('@/lib/domain/payments');
const { getUserProfile } = await import('@/lib/domain/users');
const { getAccountSummary } = await import('@/lib/domain/statement');
const { activeMapping, validateMapping } = await import('@/lib/mapping');
const { compareDecimals, formatCredits, formatMoney, rescale } = await import('@/lib/money');
const { creditScale, majorAmountSql, storedBoundSql } = await import('@/lib/domain/money-sql');
const { parseMapping } = await import('@/lib/mapping/schema');

const ANCHOR = new Date('2026-11-20T12:00:00Z');
const ALL = { sort: 'created' as const, desc: true, limit: 1000, offset: 0 };

function useMapping(preset: string, version: string) {
  const variant = PRESET_VARIANTS[preset].find((v) => v.version.startsWith(version));
  assert.ok(variant, `${preset} ${version}`);
  fs.writeFileSync(file, JSON.stringify(variant.mapping));
}

async function fixture(product: string) {
  const t = await emptyDatabase();
  await buildFixture(t.url, product, { anchor: ANCHOR });
  const db = createDb(t.url, { max: 2 });
  const admin = await db.selectFrom('kontor.staff').select(['user_id', 'email']).where('role', '=', 'admin').executeTakeFirstOrThrow();
  const staff = (await loadStaff(db, { userId: admin.user_id, email: admin.email }))!;
  // As a page has it: the active mapping (the preset's version) validated on this fixture.
  const ctx = { staff, mapping: (await validateMapping(db, activeMapping())).mapping };
  return { t, db, staff, ctx, r: <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, db) };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

/** The product's fixture, built before the suite's tests with its preset's version as the mapping, dropped after. */
function onFixture(product: string, preset: string, version: string): () => Fixture {
  let f: Fixture | undefined;
  before(async () => {
    useMapping(preset, version);
    f = await fixture(product);
  });
  after(async () => {
    await f?.db.destroy();
    await f?.t.drop();
  });
  return () => f!;
}

after(() => fs.rmSync(file, { force: true }));

describe('the story app (2026-02): story_purchases.amount_cents', () => {
  const fx = onFixture('story-app-2026-02', 'story-app', '2026-02');

  test('499 cents read as $4.99, each payment and the totals', async () => {
    const f = fx();
    assert.equal(activeMapping().payments?.amountUnit, 'minor');
    const { rows: expected } = await sql<{ id: string; cents: string }>`
      select id::text, amount_cents::text as cents from public.story_purchases`.execute(f.db);
    const byId = new Map(expected.map((e) => [e.id, e.cents]));
    const rows = await f.r((trx) => listPayments(trx, f.ctx, {}, ALL));
    assert.ok(rows.length > 0);
    for (const p of rows) {
      assert.equal(p.currency, 'USD');
      const cents = byId.get(p.id)!;
      assert.equal(p.amount, `${cents.slice(0, -2) || '0'}.${cents.slice(-2).padStart(2, '0')}`, p.id);
    }
    const p499 = rows.find((p) => byId.get(p.id) === '499');
    assert.ok(p499, 'a $4.99 purchase');
    assert.equal(p499.amount, '4.99');
    assert.equal(formatMoney(p499.amount, p499.currency), '$4.99');
    const detail = await f.r((trx) => getPayment(trx, f.ctx, p499.id));
    assert.equal(detail?.payment.amount, '4.99');

    const totals = await f.r((trx) => paymentTotals(trx, f.ctx, {}));
    const { rows: [sum] } = await sql<{ n: string; s: string }>`
      select count(*)::text as n, (sum(amount_cents) / 100.0)::numeric(20, 2)::text as s from public.story_purchases`.execute(f.db);
    assert.equal(totals.count, Number(sum.n));
    assert.deepEqual(totals.byCurrency.map((c) => [c.currency, c.amount]), [['USD', sum.s]]);
  });

  test('credits without a ledger are the users column\'s integers', async () => {
    const f = fx();
    assert.equal(await creditScale(f.db, activeMapping()), 0);
  });

  test('the min/max filter is in dollars', async () => {
    const f = fx();
    const rows = await f.r((trx) => listPayments(trx, f.ctx, { min: '4.99', max: '4.99' }, ALL));
    const { rows: [n] } = await sql<{ n: number }>`select count(*)::int as n from public.story_purchases where amount_cents = 499`.execute(f.db);
    assert.equal(rows.length, n.n);
    assert.ok(rows.every((p) => p.amount === '4.99'));
  });
});

describe('Seydam (fe43247): seydam_payment.last_amount in kobo', () => {
  const fx = onFixture('seydam-fe43247', 'seydam', 'current');

  test('₦30,000 is 3,000,000 kobo, and the totals are naira', async () => {
    const f = fx();
    const { rows: expected } = await sql<{ id: string; naira: string }>`
      select id::text, (last_amount / 100.0)::numeric(20, 2)::text as naira from public.seydam_payment`.execute(f.db);
    const byId = new Map(expected.map((e) => [e.id, e.naira]));
    const rows = await f.r((trx) => listPayments(trx, f.ctx, {}, ALL));
    assert.equal(rows.length, expected.length);
    for (const p of rows) assert.equal(p.amount, byId.get(p.id), p.id);
    assert.ok(rows.some((p) => p.amount === '30000.00'), 'a ₦30,000 report');
    assert.equal(formatMoney('30000.00', 'NGN'), 'NGN\u00a030,000.00');

    const totals = await f.r((trx) => paymentTotals(trx, f.ctx, {}));
    const { rows: [sum] } = await sql<{ s: string }>`
      select (sum(last_amount) / 100.0)::numeric(20, 2)::text as s from public.seydam_payment`.execute(f.db);
    assert.deepEqual(totals.byCurrency.map((c) => [c.currency, c.amount]), [['NGN', sum.s]]);
  });
});

describe('Reigh (2026): a cents ledger at numeric(10,3)', () => {
  const fx = onFixture('reigh-2026', 'reigh', '2026');

  test('a Stripe purchase of 2000 cents is $20.00', async () => {
    const f = fx();
    const rows = await f.r((trx) => listPayments(trx, f.ctx, {}, ALL));
    assert.ok(rows.length > 0);
    const { rows: expected } = await sql<{ key: string; dollars: string }>`
      select distinct on (metadata->>'stripe_session_id') metadata->>'stripe_session_id' as key, (amount / 100)::numeric(20, 5)::text as dollars
        from public.credits_ledger where type = 'stripe' order by metadata->>'stripe_session_id', created_at`.execute(f.db);
    const byKey = new Map(expected.map((e) => [e.key, e.dollars]));
    for (const p of rows) {
      // numeric(10,3) cents: whole cents show as dollars and cents, a fraction of a cent is kept.
      assert.equal(Number(p.amount), Number(byKey.get(p.id)), p.id);
      assert.match(p.amount, /^\d+\.\d{2,3}$/);
    }
    const { rows: [twenty] } = await sql<{ key: string }>`
      select metadata->>'stripe_session_id' as key from public.credits_ledger where type = 'stripe' and amount = 2000 limit 1`.execute(f.db);
    assert.ok(twenty, 'a $20 checkout');
    const p20 = rows.find((p) => p.id === twenty.key)!;
    assert.equal(formatMoney(p20.amount, p20.currency), '$20.00');
    // The currency is a JSON field, so amounts sort by their major value (one currency here: the same order).
    const sorted = await f.r((trx) => listPayments(trx, f.ctx, {}, { ...ALL, sort: 'amount' }));
    assert.equal(sorted.length, rows.length);
    assert.ok(sorted.every((p, i) => i === 0 || compareDecimals(sorted[i - 1].amount, p.amount) >= 0), 'sorted by amount, descending');
  });

  test('one balance, one string: the user page and the finance account agree, at the column\'s 3 decimals', async () => {
    const f = fx();
    // Users whose balance has a third decimal: truncating and rounding to cents would each differ.
    const { rows: users } = await sql<{ id: string; credits: string }>`
      select id::text, credits::text from public.users where credits <> round(credits, 2) order by id limit 5`.execute(f.db);
    assert.ok(users.length > 0, 'balances with a fraction of a cent');
    for (const u of users) {
      const profile = await f.r((trx) => getUserProfile(trx, f.ctx, u.id));
      const account = await f.r((trx) => getAccountSummary(trx, f.ctx, u.id));
      assert.equal(profile?.cachedBalance, u.credits);
      assert.equal(account.cached, u.credits);
      assert.equal(profile?.ledgerBalance, account.ledgerSum);
      assert.equal(formatCredits(profile!.cachedBalance), formatCredits(account.cached));
      assert.equal(profile?.drift ?? null, account.drift !== null && compareDecimals(account.drift, '0') !== 0 ? account.drift : null);
    }
  });

  test('credits show at ledger.scale when the mapping sets it, else at the column\'s', async () => {
    const f = fx();
    const m = activeMapping();
    assert.equal(await creditScale(f.db, m), 3);
    const four = { ...m, ledger: { ...m.ledger!, scale: 4 } };
    assert.equal(await creditScale(f.db, four), 4);
    const { rows: [u] } = await sql<{ id: string; credits: string }>`
      select id::text, credits::text from public.users where credits <> round(credits, 2) order by id limit 1`.execute(f.db);
    const account = await f.r((trx) => getAccountSummary(trx, { staff: f.staff, mapping: four }, u.id));
    assert.equal(account.cached, rescale(u.credits, 4));
    assert.match(account.cached!, /\.\d{4}$/);
  });
});

describe('SQL: a minor-unit column divided by each row\'s currency exponent', () => {
  let t: Awaited<ReturnType<typeof emptyDatabase>>;
  let db: Kysely<unknown>;
  before(async () => {
    t = await emptyDatabase();
    db = createDb(t.url, { max: 1 });
    await sql`create table charges (id int primary key, amount bigint not null, currency text);
              insert into charges values (1, 2900, 'usd'), (2, 1234567, 'JPY'), (3, 1234, 'KWD'), (4, 499, null),
                                         (5, 900719925474099312, 'USD')`.execute(db);
  });
  after(async () => {
    await db?.destroy();
    await t?.drop();
  });

  test('revenue and filters read major units, exactly', async () => {
    const { payments } = parseMapping({
      name: 'charges',
      payments: {
        table: { name: 'charges' }, key: 'id', amountUnit: 'minor',
        columns: { userId: 'id', amount: 'amount', status: "'paid'", createdAt: "'2026-01-01'", currency: 'currency' },
      },
    });
    const { rows } = await sql<{ id: number; major: string }>`
      select id, ${majorAmountSql(payments!, 'p')}::text as major from charges p order by id`.execute(db);
    // rescale(…, 0) drops the division's trailing zeros and keeps every other digit.
    assert.deepEqual(rows.map((r) => rescale(r.major, 0)), ['29', '1234567', '1.234', '4.99', '9007199254740993.12']);
    const { rows: over } = await sql<{ id: number }>`
      select id from charges p where p.amount >= ${storedBoundSql(payments!, 'p', '10')} order by id`.execute(db);
    assert.deepEqual(over.map((r) => r.id), [1, 2, 5]);
  });
});
