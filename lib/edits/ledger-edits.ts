/**
 * Two ledger corrections, declared for the guarded-edit kernel (adjustCredits, the third, lives in
 * credits-adjust.ts).
 *
 * - Fix a drifted balance: the ledger is the money; the cached balance is derived from it. A drift is
 *   the cache disagreeing with the ledger, so the fix recomputes the cache from the ledger and leaves
 *   the ledger alone. (A compensating ledger entry would move the cache by the same amount through the
 *   product's trigger and leave the drift where it was; an entry that made the ledger match the cache
 *   would turn an edit made outside the books into money: that is an Adjust credits, with its reason.)
 *   The input carries the drift the person saw; if it changed, nothing is written.
 * - Reverse an entry: a new entry of the same type, user, payment and task with the opposite amount;
 *   the original stays untouched. Each entry is reversed at most once (kontor.ledger_reversals), and a
 *   reversal is not itself reversed (make an adjustment instead). A payment's grant (a purchase entry)
 *   is judged as the reconciliation judges its payment (payment-credit.ts): the preview names the
 *   payment and what the reversal leaves, and a reversal that would leave a payment wrong is refused.
 *   Reversing the only grant of a completed payment is what a refund or a dispute is for: the payment
 *   would stay "completed" with its credits gone, the reconciliation's "completed payment with no
 *   grant", and the page would then offer to grant them again. The refusal links the refund.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { activeMapping, columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { setColumnOf, writeTableOf } from '@/lib/mapping/sql';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { GuardError, invalid, STALE_MESSAGE } from '@/lib/guard/errors';
import { appendLedgerEntry, isProductRefusal, productRefusal } from '@/lib/domain/ledger-append';
import { absDecimal, compareDecimals, formatMoney, negateDecimal, subtractDecimals } from '@/lib/money';
import { ADJUST_APPROVAL_ABOVE, ADJUST_DAILY_LIMIT, ADJUST_MAX } from '@/lib/edits/catalog';
import { rowKeySchema } from '@/lib/mapping/keys';
import { paymentCreditState } from '@/lib/domain/payment-credit';
import { KIND_LABELS } from '@/lib/domain/reconcile/kinds';
import type { EditNote } from '@/lib/guard/note';

/** An amount the person saw (a drift, an entry's amount): exact, at the ledger's scale, so up to 20 decimals. */
const credits = z
  .string({ error: 'Give a number of credits.' })
  .trim()
  .regex(/^[+-]?\d{1,12}(\.\d{1,20})?$/, { error: 'Give a number of credits, as shown.' });

function concepts(mapping: Mapping) {
  const { users, ledger } = mapping;
  if (!users || !ledger) throw new GuardError('misconfigured', 'Ledger edits need the users and ledger concepts in the table mapping.');
  return { users, ledger };
}

async function ledgerSum(trx: Trx, mapping: Mapping, userId: string): Promise<string> {
  const { ledger } = concepts(mapping);
  const { rows } = await sql<{ sum: string }>`
    select coalesce(sum(${columnOf(ledger, 'amount')}), 0)::text as sum
      from ${tableOf(ledger)} where ${columnOf(ledger, 'userId')} = ${userId}`.execute(trx);
  return rows[0].sum;
}

/** Runs `query` in a savepoint: the product's refusal (a trigger's RAISE, a constraint) is returned, not thrown. */
async function savepointed(trx: Trx, query: RawBuilder<unknown>): Promise<unknown> {
  await sql`savepoint kontor_product_write`.execute(trx);
  try {
    await query.execute(trx);
    await sql`release savepoint kontor_product_write`.execute(trx);
    return null;
  } catch (err) {
    await sql`rollback to savepoint kontor_product_write`.execute(trx);
    if (isProductRefusal(err)) return err;
    throw err;
  }
}

export const fixBalanceDriftInput = z.strictObject({
  userId: rowKeySchema('user'),
  drift: credits,
});

interface DriftBefore { email: string; cachedBalance: string; ledgerSum: string; drift: string }

async function loadDrift(trx: Trx, userId: string, lock: boolean): Promise<{ before: DriftBefore; version: string } | null> {
  const mapping = activeMapping();
  const { users } = concepts(mapping);
  if (!hasColumn(users, 'credits')) throw new GuardError('misconfigured', 'This product keeps no cached balance: there is nothing to fix.');
  const { rows } = await sql<{ id: string; email: string; cached: string; version: string }>`
    select u.${keyOf(users)}::text as id, u.${columnOf(users, 'email')}::text as email,
           coalesce(u.${columnOf(users, 'credits')}, 0)::text as cached, md5(u::text) as version
      from ${tableOf(users)} u where u.${keyOf(users)} = ${userId} ${lock ? sql`for update` : sql``}`.execute(trx);
  const u = rows[0];
  if (!u) return null;
  // A statement after the lock: READ COMMITTED sees every ledger entry committed before it.
  const sum = await ledgerSum(trx, mapping, u.id);
  // Exact: a numeric(10,3) ledger's drift of 0.005 is a drift (rounding it to cents hid it, and left it after a fix).
  return { before: { email: u.email, cachedBalance: u.cached, ledgerSum: sum, drift: subtractDecimals(u.cached, sum) }, version: u.version };
}

export const fixBalanceDrift = catalogEdit('credits.fixDrift', {
  input: fixBalanceDriftInput,
  limits: { amount: (i) => i.drift, amountField: 'drift', maxAmount: ADJUST_MAX, dailyLimit: ADJUST_DAILY_LIMIT },
  threshold: (i) => compareDecimals(absDecimal(i.drift), String(ADJUST_APPROVAL_ABOVE)) > 0,
  async load(trx, input) {
    const found = await loadDrift(trx, input.userId, true);
    if (!found) throw invalid('userId', 'No user has this id.');
    if (compareDecimals(found.before.drift, '0') === 0) throw invalid('userId', 'This balance already equals its ledger sum: there is no drift to fix.');
    if (compareDecimals(found.before.drift, input.drift) !== 0) {
      throw new GuardError('stale', `The drift is now ${found.before.drift}, not ${input.drift}: ${STALE_MESSAGE}`);
    }
    return { target: { type: 'user', id: input.userId }, rows: [{ key: `user:${input.userId}`, version: found.version }], before: found.before };
  },
  async apply(trx, input, loaded) {
    const mapping = activeMapping();
    const { users } = concepts(mapping);
    const locked = await loadDrift(trx, input.userId, true);
    if (!locked || locked.before.drift !== (loaded.before as DriftBefore).drift) throw new GuardError('stale', STALE_MESSAGE);
    const { ledger } = concepts(mapping);
    // The cache is set to the ledger sum; the ledger is left as it is. A product whose trigger refuses
    // direct writes to the balance (Reigh: "Credits cannot be modified directly") gets a ledger record
    // instead: a zero entry that says why, on which its trigger re-sums the ledger into the balance.
    const direct = sql`update ${writeTableOf(users)} set ${setColumnOf(users, 'credits')} = ${locked.before.ledgerSum}
                        where ${keyOf(users)} = ${input.userId}`;
    const refused = await savepointed(trx, direct);
    if (refused) {
      if (ledger.balanceUpdate !== 'trigger') throw productRefusal(refused);
      await appendLedgerEntry(trx, mapping, {
        userId: input.userId, amount: '0', type: ledger.types.manual ?? ledger.types.grant ?? null,
        description: `Balance re-synced to the ledger by Kontor (drift ${locked.before.drift})`,
      });
      const after0 = await loadDrift(trx, input.userId, false);
      if (after0 && compareDecimals(after0.before.drift, '0') !== 0) throw productRefusal(refused);
    }
    const after: DriftBefore = { ...locked.before, cachedBalance: locked.before.ledgerSum, drift: subtractDecimals(locked.before.ledgerSum, locked.before.ledgerSum) };
    return { after, result: { userId: input.userId, balance: locked.before.ledgerSum } };
  },
});

export const reverseEntryInput = z.strictObject({
  entryId: rowKeySchema('ledger entry'),
  /** The entry's amount as the person saw it: sizes the limits and the approval threshold. */
  amount: credits.refine((v) => compareDecimals(v, '0') !== 0, { error: 'The amount cannot be zero.' }),
});

interface EntryView { id: string; userId: string; type: string | null; amount: string; createdAt: string; paymentId: string | null; taskId: string | null }

async function entry(trx: Trx, mapping: Mapping, id: string): Promise<(EntryView & { version: string }) | undefined> {
  const { ledger } = concepts(mapping);
  const opt = (c: 'type' | 'paymentId' | 'taskId') => (hasColumn(ledger, c) ? sql`l.${columnOf(ledger, c)}::text` : sql`null::text`);
  const { rows } = await sql<EntryView & { version: string }>`
    select l.${keyOf(ledger)}::text as id, l.${columnOf(ledger, 'userId')}::text as "userId", ${opt('type')} as type,
           l.${columnOf(ledger, 'amount')}::text as amount, l.${columnOf(ledger, 'createdAt')}::text as "createdAt",
           ${opt('paymentId')} as "paymentId", ${opt('taskId')} as "taskId", md5(l::text) as version
      from ${tableOf(ledger)} l where l.${keyOf(ledger)} = ${id}`.execute(trx);
  return rows[0];
}

/**
 * What reversing `e` does to the payment it grants, if it is a grant: notes for the preview, or a
 * refusal when the payment would be left wrong (a completed payment with no grant, above all).
 */
async function paymentNotes(trx: Trx, mapping: Mapping, e: EntryView): Promise<EditNote[]> {
  if (!e.paymentId || !mapping.payments || !mapping.ledger?.types.purchase || e.type !== mapping.ledger.types.purchase) return [];
  const change = compareDecimals(e.amount, '0') > 0 ? -1 : 1;
  const p = await paymentCreditState(trx, e.paymentId, change);
  if (!p) return [];
  const what = `payment ${p.name} (${formatMoney(p.amount, p.currency)}, ${p.status})`;
  const page = `/payments/${encodeURIComponent(p.id)}`;
  if (p.verdictAfter === 'payment_without_grant' && p.verdict !== p.verdictAfter) {
    throw invalid('entryId', `This entry is the grant of ${what}. Reversing it would leave a completed payment with no grant, which the `
      + 'reconciliation reports. If the customer should get their money back, refund the payment: the refund takes the credits back '
      + 'with it. If they contest the charge, open a dispute on the payment first.', { href: `${page}#refunds`, label: `Refund payment ${p.name}` });
  }
  if (p.verdictAfter && p.verdict !== p.verdictAfter) {
    throw invalid('entryId', `This entry is a grant of ${what}; reversing it would leave: ${KIND_LABELS[p.verdictAfter].toLowerCase()}.`, { href: page, label: `Open payment ${p.name}` });
  }
  const after = p.netGrants + change;
  const notes: EditNote[] = [{
    tone: p.verdictAfter ? 'warn' : 'info',
    text: `This entry is a grant of ${what}: ${p.netGrants} ${p.netGrants === 1 ? 'grant stands' : 'grants stand'} now, ${after} after the reversal`
      + (p.verdict && !p.verdictAfter ? ', as it should be.' : p.verdictAfter ? ` (still: ${KIND_LABELS[p.verdictAfter].toLowerCase()}).` : '.'),
    link: { href: page, label: `Open payment ${p.name}` },
  }];
  if (p.statusKey === 'refunded' && change < 0) {
    notes.push({ tone: 'warn', text: 'The payment was refunded: its refund entries took credits back already, and reversing its grant takes them again.', link: { href: `${page}#refunds`, label: 'Its refunds' } });
  }
  return notes;
}

export const reverseLedgerEntry = catalogEdit('credits.reverse', {
  input: reverseEntryInput,
  limits: { amount: (i) => i.amount, maxAmount: ADJUST_MAX, dailyLimit: ADJUST_DAILY_LIMIT },
  threshold: (i) => compareDecimals(absDecimal(i.amount), String(ADJUST_APPROVAL_ABOVE)) > 0,
  async load(trx, input) {
    const mapping = activeMapping();
    const e = await entry(trx, mapping, input.entryId);
    if (!e) throw invalid('entryId', 'No ledger entry has this id.');
    // Lock the account first (lock order against the kernel's limit lock, see credits-adjust.ts);
    // it also serialises two reversals of one entry, so the check below sees the other's row.
    const { users } = concepts(mapping);
    await sql`select 1 from ${tableOf(users)} where ${keyOf(users)} = ${e.userId} for update`.execute(trx);
    const { rows: [done] } = await sql<{ original_id: string; reversal_id: string }>`
      select original_id, reversal_id from kontor.ledger_reversals
       where original_id = ${e.id} or reversal_id = ${e.id} for update`.execute(trx);
    if (done?.original_id === e.id) throw invalid('entryId', `This entry was already reversed (by ${done.reversal_id}).`);
    if (done) throw invalid('entryId', `This entry is itself the reversal of ${done.original_id}; make an adjustment instead.`);
    if (compareDecimals(e.amount, input.amount) !== 0) {
      throw invalid('amount', `This entry's amount is ${e.amount}, not ${input.amount}.`);
    }
    const { version, ...view } = e;
    return {
      target: { type: 'ledger_entry', id: e.id },
      rows: [{ key: `ledger:${e.id}`, version }],
      before: { entry: view, ledgerSum: await ledgerSum(trx, mapping, e.userId) },
      notes: await paymentNotes(trx, mapping, e),
    };
  },
  async apply(trx, input, loaded, staff) {
    const mapping = activeMapping();
    const { entry: e, ledgerSum: sumBefore } = loaded.before as { entry: EntryView; ledgerSum: string };
    const reversed = negateDecimal(e.amount);
    // The reversal carries the entry's type and references.
    const reversalId = await appendLedgerEntry(trx, mapping, {
      userId: e.userId, amount: reversed, type: e.type, paymentId: e.paymentId, taskId: e.taskId, description: `Reversal of ${e.id} (Kontor)`,
    });
    await trx.insertInto('kontor.ledger_reversals')
      .values({ original_id: e.id, reversal_id: reversalId, audit_reason: 'credits.reverse', staff_id: staff.userId }).execute();
    return {
      // No new ids or timestamps in `after`: the kernel compares previews by hash.
      after: { entry: e, reversal: { amount: reversed, type: e.type }, ledgerSum: subtractDecimals(sumBefore, e.amount) },
      result: { reversalId },
    };
  },
});
