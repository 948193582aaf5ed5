/**
 * Property: whatever mix of adjustments, reversals (through the kernel) and grants (the product's own
 * inserts) runs concurrently, every cached balance equals its ledger sum and every reversal pair nets
 * to zero. Seeded (KONTOR_PROPERTY_SEED), so a failure reproduces.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { reverseLedgerEntry } from '@/lib/edits/ledger-edits';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

/** mulberry32: small, fast, good enough to pick operations. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.KONTOR_PROPERTY_SEED ?? 20261120);
const OPS = 2000;
const WORKERS = 12;
const REASON = 'Property test: random concurrent ledger activity';

test(`${OPS} random concurrent adjustments, reversals and grants keep every balance equal to its ledger (seed ${SEED})`, async () => {
  const rand = prng(SEED);
  // A small set of accounts, so operations collide on the same rows.
  const { rows: users } = await sql<{ id: string }>`
    select u.id::text from public.users u
     where u.credits = (select sum(amount) from public.credits_ledger l where l.user_id = u.id) and u.credits > 50
     order by u.id limit 64`.execute(f.db);
  const made: string[] = []; // entries this test created, candidates for reversal
  const plan = Array.from({ length: OPS }, () => {
    const r = rand();
    const user = users[Math.floor(rand() * users.length)].id;
    const amount = Math.round((rand() * 9 + 0.01) * 100) / 100;
    return r < 0.45 ? { op: 'adjust' as const, user, amount: rand() < 0.3 ? -amount : amount }
      : r < 0.75 ? { op: 'grant' as const, user, amount }
      : { op: 'reverse' as const, pick: rand() };
  });
  const outcome = { applied: 0, refused: 0, grants: 0 };
  const staff = [f.staff.finance, f.staff.admin];
  let next = 0;
  async function worker(w: number) {
    while (next < plan.length) {
      const step = plan[next++];
      try {
        if (step.op === 'grant') {
          const { rows } = await sql<{ id: string }>`insert into public.credits_ledger (user_id, amount, type, description)
            values (${step.user}, ${step.amount}, 'grant', 'property test') returning id::text`.execute(f.db);
          made.push(rows[0].id);
          outcome.grants++;
          continue;
        }
        const who = staff[w % 2];
        const [edit, input] = step.op === 'adjust'
          ? [adjustCredits, { userId: step.user, amount: step.amount }]
          : await (async () => {
            if (!made.length) return [null, null] as const;
            const id = made[Math.floor(step.pick * made.length)];
            const { rows } = await sql<{ amount: string }>`select amount::text from public.credits_ledger where id = ${id}`.execute(f.db);
            return [reverseLedgerEntry, { entryId: id, amount: rows[0].amount }] as const;
          })();
        if (!edit) continue;
        const { token } = await previewEdit(edit, who, input, f.opts);
        const r = await commitEdit(edit, who, { ...input, reason: REASON }, token, crypto.randomUUID(), f.opts);
        if (r.status === 'applied' && step.op === 'adjust') made.push((r.result as { ledgerId: string }).ledgerId);
        outcome.applied++;
      } catch (err) {
        // Stale previews, double reversals and overdrafts are refused: refusals write nothing.
        if (!(err instanceof GuardError)) throw err;
        outcome.refused++;
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  assert.ok(outcome.applied > OPS / 4, JSON.stringify(outcome));

  const { rows: drift } = await sql<{ id: string }>`
    select u.id::text from public.users u
     where u.credits <> coalesce((select sum(amount) from public.credits_ledger l where l.user_id = u.id), 0)
       and u.id = any(${users.map((u) => u.id)}::uuid[])`.execute(f.db);
  assert.deepEqual(drift, [], 'no cached balance differs from its ledger sum');
  const { rows: [pairs] } = await sql<{ n: string; bad: string }>`
    select count(*)::text as n, count(*) filter (where o.amount + r.amount <> 0 or o.user_id <> r.user_id)::text as bad
      from kontor.ledger_reversals p
      join public.credits_ledger o on o.id::text = p.original_id
      join public.credits_ledger r on r.id::text = p.reversal_id`.execute(f.db);
  assert.ok(Number(pairs.n) > 50, `reversals made: ${pairs.n}`);
  assert.equal(pairs.bad, '0', 'every reversal pair nets to zero');
  const { rows: [dup] } = await sql<{ n: string }>`
    select count(*)::text as n from (select original_id from kontor.ledger_reversals group by 1 having count(*) > 1) d`.execute(f.db);
  assert.equal(dup.n, '0');
});
