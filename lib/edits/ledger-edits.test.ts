import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import manifest from '@/db/demo/manifest.json' with { type: 'json' };
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { fixBalanceDrift, reverseLedgerEntry } from '@/lib/edits/ledger-edits';
import { commitEdit, previewEdit } from '@/lib/guard/kernel';
import { GuardError } from '@/lib/guard/errors';
import { fingerprint, guardFixture, type GuardFixture } from '@/test/guard';

let f: GuardFixture;
before(async () => {
  f = await guardFixture();
});
after(() => f?.close());

const REASON = 'Reconciliation run found this; ticket FIN-12 explains it';
const drifted = manifest.find((m) => m.kind === 'balance_drift')!.ids![0];

async function edit(e: Parameters<typeof previewEdit>[0], input: Record<string, unknown>, staff = f.staff.finance) {
  const { preview, token } = await previewEdit(e, staff, input, f.opts);
  const r = await commitEdit(e, staff, { ...input, reason: REASON }, token, crypto.randomUUID(), f.opts);
  return { preview, r };
}

async function refused(run: () => Promise<unknown>, kind: GuardError['kind'], field?: string) {
  const fp = await fingerprint(f.db);
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof GuardError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (field) assert.ok(err.fieldErrors?.[field]?.length, `a message for ${field}: ${JSON.stringify(err.fieldErrors)}`);
    assert.ok(err.message.length > 10);
    assert.equal(await fingerprint(f.db), fp, 'nothing written');
    return;
  }
  assert.fail(`expected a ${kind} refusal`);
}

test('fix a drifted balance: the preview shows the drift, the cache becomes the ledger sum, the ledger is untouched', async () => {
  const count = async () => (await sql<{ n: string }>`select count(*)::text as n from public.credits_ledger`.execute(f.db)).rows[0].n;
  const entries = await count();
  const { preview, r } = await edit(fixBalanceDrift, { userId: drifted, drift: '50.00' });
  assert.ok(preview.changes.some((c) => c.path === 'drift' && c.before === '50.00' && c.after === '0.00'));
  assert.equal(r.status, 'applied');
  const { rows: [u] } = await sql<{ ok: boolean }>`
    select credits = (select sum(amount) from public.credits_ledger where user_id = ${drifted}) as ok from public.users where id = ${drifted}`.execute(f.db);
  assert.ok(u.ok);
  assert.equal(await count(), entries);
  await refused(() => previewEdit(fixBalanceDrift, f.staff.finance, { userId: drifted, drift: '50.00' }, f.opts), 'invalid', 'userId');
});

test('reverse an entry: a compensating entry nets to zero with the original, once', async () => {
  const { rows: [e] } = await sql<{ id: string; amount: string; user_id: string }>`
    select id::text, amount::text, user_id::text from public.credits_ledger
     where task_id = ${manifest.find((m) => m.kind === 'failed_task_charged')!.ids![0]}`.execute(f.db);
  const { r } = await edit(reverseLedgerEntry, { entryId: e.id, amount: e.amount });
  assert.equal(r.status, 'applied');
  const rev = (r as { result: { reversalId: string } }).result.reversalId;
  const { rows: [pair] } = await sql<{ net: string; same: boolean }>`
    select sum(amount)::text as net, count(distinct (type, user_id, task_id)) = 1 as same
      from public.credits_ledger where id in (${e.id}, ${rev})`.execute(f.db);
  assert.equal(Number(pair.net), 0);
  assert.ok(pair.same);
  await refused(() => previewEdit(reverseLedgerEntry, f.staff.finance, { entryId: e.id, amount: e.amount }, f.opts), 'invalid', 'entryId');
  await refused(() => previewEdit(reverseLedgerEntry, f.staff.finance, { entryId: rev, amount: (-Number(e.amount)).toFixed(2) }, f.opts), 'invalid', 'entryId');
});

test('bad input to every finance edit gets a clear message and writes nothing', async () => {
  const s = f.staff.finance;
  const o = f.opts;
  const bad: [Parameters<typeof previewEdit>[0], Record<string, unknown>, GuardError['kind'], string?][] = [
    [adjustCredits, { userId: 'nope', amount: 5 }, 'invalid', 'userId'],
    [adjustCredits, { userId: drifted, amount: 'ten' }, 'invalid', 'amount'],
    [adjustCredits, { userId: drifted, amount: 0 }, 'invalid', 'amount'],
    [adjustCredits, { userId: drifted, amount: 5, extra: 1 }, 'invalid'],
    [adjustCredits, { userId: crypto.randomUUID(), amount: 5 }, 'invalid', 'userId'],
    [fixBalanceDrift, { userId: drifted }, 'invalid', 'drift'],
    [fixBalanceDrift, { userId: 'x', drift: '1' }, 'invalid', 'userId'],
    // A drift is exact at the ledger's scale ('1.234' is one); a comma is not a decimal point.
    [fixBalanceDrift, { userId: drifted, drift: '1,234' }, 'invalid', 'drift'],
    [fixBalanceDrift, { userId: crypto.randomUUID(), drift: '1.00' }, 'invalid', 'userId'],
    [fixBalanceDrift, { userId: manifest[0].ids![2], drift: '1.00' }, 'stale'],
    [reverseLedgerEntry, { entryId: 'x', amount: '1' }, 'invalid', 'entryId'],
    [reverseLedgerEntry, { entryId: crypto.randomUUID(), amount: '1' }, 'invalid', 'entryId'],
    [reverseLedgerEntry, { entryId: crypto.randomUUID(), amount: '0' }, 'invalid', 'amount'],
  ];
  for (const [e, input, kind, field] of bad) await refused(() => previewEdit(e, s, input, o), kind, field);
  // Without a reason, a commit is refused too.
  const { token } = await previewEdit(fixBalanceDrift, s, { userId: manifest[0].ids![2], drift: '120.00' }, o);
  await refused(() => commitEdit(fixBalanceDrift, s, { userId: manifest[0].ids![2], drift: '120.00', reason: 'x' }, token, crypto.randomUUID(), o), 'invalid', 'reason');
  // Support reads credits but may not change them.
  await refused(() => previewEdit(fixBalanceDrift, f.staff.support, { userId: manifest[0].ids![2], drift: '120.00' }, o), 'forbidden');
});

test('a reversal above the threshold waits for a second finance approver', async () => {
  const { rows: [e] } = await sql<{ id: string; amount: string }>`
    insert into public.credits_ledger (user_id, amount, type, description) values (${drifted}, 800, 'grant', 'Studio launch bonus')
    returning id::text, amount::text`.execute(f.db);
  const { preview, r } = await edit(reverseLedgerEntry, { entryId: e.id, amount: e.amount });
  assert.equal(preview.needsApproval, true);
  assert.equal(r.status, 'pending');
});
