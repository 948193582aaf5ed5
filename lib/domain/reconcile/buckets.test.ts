import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };
import { activeMapping, validateMapping } from '@/lib/mapping';
import type { Trx } from '@/db/types';
import { guardFixture, type GuardFixture } from '@/test/guard';
import { findingKey } from '@/lib/domain/reconcile/kinds';
import { financeConcepts, paymentFindings, taskFindings, type Concepts } from '@/lib/domain/reconcile/checks';
import {
  differing, inBuckets, ledgerSignatures, narrowedFindings, paymentSignatures, planBuckets, taskSignatures, type Bounds,
} from '@/lib/domain/reconcile/buckets';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

/** Runs `fn` in a transaction that is rolled back: the fixture stays as planted. */
async function rolledBack(fn: (trx: Trx, c: Concepts) => Promise<void>) {
  const undo = new Error('rollback');
  await assert.rejects(f.db.transaction().execute(async (trx) => {
    const c = financeConcepts((await validateMapping(trx, activeMapping())).mapping);
    await fn(trx, c);
    throw undo;
  }), (err) => err === undo);
}

const bucketOf = async (trx: Trx, b: Bounds, id: string) =>
  (await sql<{ b: number }>`select width_bucket(${id}::${b.type}, ${b.bounds}::text[]::${b.type}[]) as b`.execute(trx)).rows[0].b;

test('inBuckets selects exactly the keys that width_bucket puts in the ranges, first and last included', async () => {
  await rolledBack(async (trx, c) => {
    const plan = await planBuckets(trx, c, { above: 0, count: 16 });
    const b = plan.tasks!;
    assert.equal(b.bounds.length, 15);
    const last = b.bounds.length;
    for (const buckets of [[], [0], [last], [0, 1, 2], [3, 5, 6, 7, 12], [0, last], Array.from({ length: last + 1 }, (_, i) => i)]) {
      const { rows: byRange } = await sql<{ id: string }>`select id::text from public.tasks t where ${inBuckets(sql`t.id`, b, buckets)} order by id`.execute(trx);
      const { rows: byBucket } = await sql<{ id: string }>`
        select id::text from public.tasks where width_bucket(id, ${b.bounds}::text[]::uuid[]) = any(${buckets}::int[]) order by id`.execute(trx);
      assert.deepEqual(byRange, byBucket, `ranges ${buckets.join(',')}`);
    }
  });
});

test('the ranges whose signatures differ hold every planted payment and task defect, and few others', async () => {
  await rolledBack(async (trx, c) => {
    const plan = await planBuckets(trx, c, { above: 0, count: 64 });
    const ledger = await ledgerSignatures(trx, c, plan);
    const tasks = differing(ledger.tasks, await taskSignatures(trx, c, plan.tasks!));
    const payments = differing(ledger.payments, await paymentSignatures(trx, c, plan.payments!));
    const ids = (kinds: string[]) => manifest.filter((m) => kinds.includes(m.kind)).flatMap((m) => m.ids ?? []);
    for (const id of ids(['failed_task_charged', 'completed_task_not_charged'])) assert.ok(tasks.includes(await bucketOf(trx, plan.tasks!, id)), `task ${id}`);
    for (const id of ids(['payment_without_grant', 'payment_granted_twice'])) assert.ok(payments.includes(await bucketOf(trx, plan.payments!, id)), `payment ${id}`);
    // Narrowed, not whole: at most an eighth of the ranges (beyond that the check runs whole).
    assert.ok(tasks.length > 0 && tasks.length <= 65 / 8, `${tasks.length} task ranges differ`);
    assert.ok(payments.length > 0 && payments.length <= 65 / 8, `${payments.length} payment ranges differ`);
  });
});

test('narrowed checks find what the whole checks find, with defects an XOR alone would miss and states that are not defects', async () => {
  await rolledBack(async (trx, c) => {
    const { rows: [t] } = await sql<{ complete: string; complete_user: string; cost: string; failed: string; failed_user: string; split: string; split_user: string; split_cost: string }>`
      with charged as (
        select t.id, t.user_id, t.cost from public.tasks t
         where t.status = 'Complete' and t.cost > 0 and t.task_type <> 'travel_orchestrator'
           and (select count(*) from public.credits_ledger l where l.task_id = t.id and l.type = 'spend') = 1
         order by t.id limit 2)
      select (select id::text from charged order by id limit 1) as complete, (select user_id::text from charged order by id limit 1) as complete_user,
             (select cost::text from charged order by id limit 1) as cost,
             (select id::text from charged order by id offset 1 limit 1) as split, (select user_id::text from charged order by id offset 1 limit 1) as split_user,
             (select cost::text from charged order by id offset 1 limit 1) as split_cost,
             (select id::text from public.tasks where status = 'Failed' and not exists (select from public.credits_ledger l where l.task_id = tasks.id) order by id limit 1) as failed,
             (select user_id::text from public.tasks where status = 'Failed' and not exists (select from public.credits_ledger l where l.task_id = tasks.id) order by id limit 1) as failed_user`.execute(trx);
    const { rows: [p] } = await sql<{ id: string; user_id: string; credits: string }>`
      select p.id::text, p.user_id::text, p.credits::text from public.payments p
       where p.status = 'completed' and (select count(*) from public.credits_ledger l where l.payment_id = p.id) = 1 order by p.id offset 3 limit 1`.execute(trx);
    const { rows: [p3] } = await sql<{ id: string; user_id: string; credits: string }>`
      select p.id::text, p.user_id::text, p.credits::text from public.payments p
       where p.status = 'completed' and (select count(*) from public.credits_ledger l where l.payment_id = p.id) = 1 order by p.id offset 4 limit 1`.execute(trx);
    const entry = (user: string, amount: string, type: string, ref: { task?: string; payment?: string }) => sql`
      insert into public.credits_ledger (user_id, amount, type, task_id, payment_id, description)
      values (${user}, ${amount}::numeric, ${type}, ${ref.task ?? null}, ${ref.payment ?? null}, 'buckets test')`.execute(trx);
    // Defects an XOR of the hashes alone would miss (three equal hashes XOR to one; the count does
    // not): a task charged three times the same amount, a payment granted three times.
    await entry(t.complete_user, `-${t.cost}`, 'spend', { task: t.complete });
    await entry(t.complete_user, `-${t.cost}`, 'spend', { task: t.complete });
    await entry(p3.user_id, p3.credits, 'purchase', { payment: p3.id });
    await entry(p3.user_id, p3.credits, 'purchase', { payment: p3.id });
    // Not defects: a failed task charged and refunded, a grant reversed and given again, a task's
    // charge refunded and taken again in two parts.
    await entry(t.failed_user, '-2.00', 'spend', { task: t.failed });
    await entry(t.failed_user, '2.00', 'spend', { task: t.failed });
    await entry(p.user_id, `-${p.credits}`, 'purchase', { payment: p.id });
    await entry(p.user_id, p.credits, 'purchase', { payment: p.id });
    const half = (Number(t.split_cost) / 2).toFixed(2);
    const rest = (Number(t.split_cost) - Number(half)).toFixed(2);
    await entry(t.split_user, t.split_cost, 'spend', { task: t.split });
    await entry(t.split_user, `-${half}`, 'spend', { task: t.split });
    await entry(t.split_user, `-${rest}`, 'spend', { task: t.split });

    const whole = [...(await taskFindings(trx, c)), ...(await paymentFindings(trx, c))].map(findingKey).sort();
    for (const count of [4096, 64]) {
      const narrowed = (await narrowedFindings(trx, c, await planBuckets(trx, c, { above: 0, count }))).map(findingKey).sort();
      assert.deepEqual(narrowed, whole, `${count} ranges`);
    }
    const found = whole.join('\n');
    assert.match(found, new RegExp(`spend_differs_from_cost.*${t.complete}`));
    assert.match(found, new RegExp(`payment_granted_twice.*${p3.id}`));
    for (const quiet of [t.failed, p.id, t.split]) assert.doesNotMatch(found, new RegExp(quiet));
  });
});
