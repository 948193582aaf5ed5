/**
 * One truth about a payment's credits (issue 19): every payment state the reconciliation knows,
 * planted in a private demo copy, is judged the same by the reconciliation's plain run (the oracle),
 * the payment page's read (getPayment) and the payments list's credit filter.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };
import { read } from '@/db/index';
import { getPayment, listPayments, parsePaymentFilters } from '@/lib/domain/payments';
import { PAYMENT_CREDIT_KINDS, type PaymentCreditKind } from '@/lib/domain/payment-credit';
import { runReconciliation } from '@/lib/domain/reconcile/run';
import { reverseLedgerEntry } from '@/lib/edits/ledger-edits';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const idsOf = (kind: string) => manifest.find((d) => d.kind === kind)!.ids!;
const r = <T>(fn: Parameters<typeof read<T>>[0]) => read(fn, {}, f.db);

/** A payment of `status` with exactly one purchase entry (the demo's ordinary case), not yet used here. */
async function paymentWithOneGrant(status: string, taken: string[]): Promise<{ id: string; entry: string; userId: string; amount: string }> {
  const { rows: [p] } = await sql<{ id: string; entry: string; user_id: string; amount: string }>`
    select p.id::text, min(l.id::text) as entry, min(l.user_id::text) as user_id, min(l.amount)::text as amount
      from public.payments p join public.credits_ledger l on l.payment_id = p.id and l.type = 'purchase'
     where p.status = ${status} and not (p.id::text = any(${taken}::text[]))
     group by p.id having count(*) = 1 order by p.id limit 1`.execute(f.admin);
  assert.ok(p, `a ${status} payment with one grant`);
  taken.push(p.id);
  return { id: p.id, entry: p.entry, userId: p.user_id, amount: p.amount };
}

/** A reversal as the ledger edit writes it: same type, user and payment, the opposite amount. */
async function plantReversal(entryId: string) {
  await sql`
    insert into public.credits_ledger (id, user_id, amount, type, payment_id, description, created_by, created_at)
    select gen_random_uuid(), user_id, -amount, type, payment_id, 'Reversal of ' || id || ' (test)', 'test', created_at + interval '1 minute'
      from public.credits_ledger where id = ${entryId}`.execute(f.admin);
}

async function plantGrant(paymentId: string, userId: string, amount: string) {
  await sql`
    insert into public.credits_ledger (id, user_id, amount, type, payment_id, description, created_by, created_at)
    values (gen_random_uuid(), ${userId}, ${amount}, 'purchase', ${paymentId}, 'Grant (test)', 'test', now())`.execute(f.admin);
}

test('every payment state the reconciliation knows is judged the same on the payment page, in the list and in the findings', async () => {
  const taken: string[] = [];
  const expected = new Map<string, PaymentCreditKind | null>();

  // Credited twice, then the extra grant reversed through the ledger edit (what the page recommends): fine.
  const [twice] = idsOf('payment_granted_twice');
  taken.push(twice);
  const { rows: grants } = await sql<{ id: string; amount: string }>`
    select id::text, amount::text from public.credits_ledger where payment_id = ${twice} and type = 'purchase' order by created_at desc`.execute(f.admin);
  assert.equal(grants.length, 2);
  const input = { entryId: grants[0].id, amount: grants[0].amount };
  const { token } = await previewEdit(reverseLedgerEntry, f.staff.finance, input, f.opts);
  const done = await commitEdit(reverseLedgerEntry, f.staff.finance, { ...input, reason: 'The retry granted these credits a second time' }, token, crypto.randomUUID(), f.opts);
  assert.equal(done.status, 'applied');
  expected.set(twice, null);

  // A completed payment's only grant reversed (written by another tool): completed with no grant, never "twice".
  const reversedOnly = await paymentWithOneGrant('completed', taken);
  await plantReversal(reversedOnly.entry);
  expected.set(reversedOnly.id, 'payment_without_grant');

  // Its grant reversed, then granted again: one grant standing.
  const regranted = await paymentWithOneGrant('completed', taken);
  await plantReversal(regranted.entry);
  await plantGrant(regranted.id, regranted.userId, regranted.amount);
  expected.set(regranted.id, null);

  // Three grants, one reversed: two standing.
  const thrice = await paymentWithOneGrant('completed', taken);
  await plantGrant(thrice.id, thrice.userId, thrice.amount);
  await plantGrant(thrice.id, thrice.userId, thrice.amount);
  await plantReversal(thrice.entry);
  expected.set(thrice.id, 'payment_granted_twice');

  // Refunded and disputed payments keep their one grant (their refund is an entry of its own): fine;
  // a disputed one whose grant was reversed owes nothing the reconciliation counts.
  expected.set((await paymentWithOneGrant('refunded', taken)).id, null);
  const disputed = await paymentWithOneGrant('disputed', taken);
  await plantReversal(disputed.entry);
  expected.set(disputed.id, null);

  // Credits granted for a payment that failed: a grant without a payment.
  const { rows: [failed] } = await sql<{ id: string; user_id: string }>`
    select id::text, user_id::text from public.payments p
     where status = 'failed' and user_id is not null
       and not exists (select 1 from public.credits_ledger l where l.payment_id = p.id) order by id limit 1`.execute(f.admin);
  assert.ok(failed, 'a failed payment');
  await plantGrant(failed.id, failed.user_id, '10.00');
  expected.set(failed.id, 'grant_without_payment');

  // The demo's own: paid with no grant; an ordinary completed payment.
  for (const id of idsOf('payment_without_grant')) expected.set(id, 'payment_without_grant');
  expected.set((await paymentWithOneGrant('completed', taken)).id, null);

  const run = await runReconciliation(f.db, { mode: 'full', strategy: 'plain', startedBy: 'test' });
  const found = new Map(run.findings.filter((x) => (PAYMENT_CREDIT_KINDS as readonly string[]).includes(x.kind)).map((x) => [x.paymentId!, x.kind]));
  for (const [id, kind] of expected) {
    assert.equal(found.get(id) ?? null, kind, `reconciliation on ${id}`);
    const detail = await r((trx) => getPayment(trx, f.ctx.finance, id));
    assert.equal(detail?.payment.flag, kind, `payment page on ${id}`);
  }
  assert.equal((await r((trx) => getPayment(trx, f.ctx.finance, twice)))?.payment.netGrants, 1);
  assert.equal((await r((trx) => getPayment(trx, f.ctx.finance, reversedOnly.id)))?.payment.netGrants, 0);

  // The list's filters keep exactly the payments the reconciliation reports (those that exist).
  const { rows: existing } = await sql<{ id: string }>`select id::text from public.payments where id::text = any(${[...found.keys()]}::text[])`.execute(f.admin);
  const listed = await r((trx) => listPayments(trx, f.ctx.finance, parsePaymentFilters({ flag: 'any' }).filters, { sort: 'created', desc: true, limit: 1000, offset: 0 }));
  assert.deepEqual(listed.map((p) => `${p.id}:${p.flag}`).sort(), existing.map((p) => `${p.id}:${found.get(p.id)}`).sort());
  for (const [flag, kind] of [['none', 'payment_without_grant'], ['twice', 'payment_granted_twice'], ['unpaid', 'grant_without_payment']] as const) {
    const one = await r((trx) => listPayments(trx, f.ctx.finance, parsePaymentFilters({ flag }).filters, { sort: 'created', desc: true, limit: 1000, offset: 0 }));
    assert.deepEqual(one.map((p) => p.id).sort(), existing.filter((p) => found.get(p.id) === kind).map((p) => p.id).sort(), flag);
  }
});
