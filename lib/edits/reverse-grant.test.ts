/**
 * Reversing a payment's grant (issue 19, "corrections without guardrails"): the preview names the
 * payment and what the reversal leaves; reversing the only grant of a completed payment is refused,
 * steering to the payment's refund.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };
import { reverseLedgerEntry } from '@/lib/edits/ledger-edits';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { fingerprint, guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

/** The first purchase entry of a payment of `status` that has exactly one, with the payment's order number and amount. */
async function onlyGrant(status: string) {
  const { rows: [g] } = await sql<{ id: string; amount: string; payment_id: string; order_id: string; price: string }>`
    select min(l.id::text) as id, min(l.amount)::text as amount, p.id::text as payment_id, p.order_id, p.amount::text as price
      from public.payments p join public.credits_ledger l on l.payment_id = p.id and l.type = 'purchase'
     where p.status = ${status} group by p.id having count(*) = 1 order by p.id limit 1`.execute(f.admin);
  assert.ok(g, `a ${status} payment with one grant`);
  return g;
}

test('reversing the only grant of a completed payment is refused, naming the payment and linking its refund; nothing is written', async () => {
  const g = await onlyGrant('completed');
  const fp = await fingerprint(f.db);
  const err = await previewEdit(reverseLedgerEntry, f.staff.finance, { entryId: g.id, amount: g.amount }, f.opts).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof GuardError, String(err));
  assert.equal(err.kind, 'invalid');
  assert.ok(err.fieldErrors?.entryId?.length);
  assert.match(err.message, new RegExp(`payment ${g.order_id} \\(\\$${Number(g.price).toFixed(2)}, completed\\)`));
  assert.match(err.message, /completed payment with no grant/);
  assert.match(err.message, /refund the payment/);
  assert.deepEqual(err.next, { href: `/payments/${g.payment_id}#refunds`, label: `Refund payment ${g.order_id}` });
  assert.equal(await fingerprint(f.db), fp, 'nothing written');
});

test('reversing the extra grant of a payment credited twice: the preview names the payment and says one grant will stand', async () => {
  const [twice] = manifest.find((m) => m.kind === 'payment_granted_twice')!.ids!;
  const { rows: [e] } = await sql<{ id: string; amount: string; order_id: string }>`
    select l.id::text, l.amount::text, p.order_id from public.credits_ledger l join public.payments p on p.id = l.payment_id
     where l.payment_id = ${twice} and l.type = 'purchase' order by l.created_at desc limit 1`.execute(f.admin);
  const input = { entryId: e.id, amount: e.amount };
  const { preview, token } = await previewEdit(reverseLedgerEntry, f.staff.finance, input, f.opts);
  assert.equal(preview.notes?.length, 1);
  const [note] = preview.notes!;
  assert.match(note.text, new RegExp(`grant of payment ${e.order_id} \\(`));
  assert.match(note.text, /2 grants stand now, 1 after the reversal, as it should be/);
  assert.deepEqual(note.link, { href: `/payments/${twice}`, label: `Open payment ${e.order_id}` });
  const r = await commitEdit(reverseLedgerEntry, f.staff.finance, { ...input, reason: 'The retry granted these credits twice' }, token, crypto.randomUUID(), f.opts);
  assert.equal(r.status, 'applied');
  // Its other grant is now the only one of a completed payment: refused like any other.
  const { rows: [other] } = await sql<{ id: string; amount: string }>`
    select id::text, amount::text from public.credits_ledger where payment_id = ${twice} and type = 'purchase' and id <> ${e.id} and amount > 0`.execute(f.admin);
  await assert.rejects(previewEdit(reverseLedgerEntry, f.staff.finance, { entryId: other.id, amount: other.amount }, f.opts), /no grant/);
});

test('a refunded payment\'s grant may be reversed, with a warning that its refund took credits back already', async () => {
  const g = await onlyGrant('refunded');
  const { preview } = await previewEdit(reverseLedgerEntry, f.staff.finance, { entryId: g.id, amount: g.amount }, f.opts);
  assert.match(preview.notes![0].text, /1 grant stands now, 0 after the reversal\./);
  assert.equal(preview.notes![1].tone, 'warn');
  assert.match(preview.notes![1].text, /refunded/);
});

test('an entry tied to no payment has no notes', async () => {
  const { rows: [e] } = await sql<{ id: string; amount: string }>`
    select id::text, amount::text from public.credits_ledger where payment_id is null and type = 'grant' order by id limit 1`.execute(f.admin);
  const { preview } = await previewEdit(reverseLedgerEntry, f.staff.finance, { entryId: e.id, amount: e.amount }, f.opts);
  assert.equal(preview.notes, undefined);
});
