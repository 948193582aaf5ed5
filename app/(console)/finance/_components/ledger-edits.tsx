'use client';
/** The three ledger corrections, each through the shared confirm dialog (preview, reason, commit once). */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import { formatCredits, negateDecimal } from '@/lib/money';
import type { PendingRequest } from '@/lib/guard/pending';

export function AdjustCredits({ userId, email, pendingRequest }: { userId: string; email: string | null; pendingRequest?: PendingRequest | null }) {
  const [amount, setAmount] = useState('');
  const id = useId();
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="flex flex-col gap-1">
        <label htmlFor={id} className="text-sm font-medium">Credits (+ to give, − to take)</label>
        <input id={id} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="e.g. 25 or -5.50"
          className="w-44 rounded-md border border-line bg-surface px-2 py-1.5 text-sm" />
      </div>
      <ConfirmDialog
        label="Adjust credits"
        title={`Adjust the credits of ${email ?? userId}`}
        description="A new ledger entry of kind manual, with your reason; the balance is never edited in place."
        input={{ userId, amount: amount.trim() }}
        disabled={!amount.trim()}
        pendingRequest={pendingRequest}
        edit="credits.adjust"
      />
    </div>
  );
}

export function FixDrift({ userId, drift }: { userId: string; drift: string }) {
  return (
    <ConfirmDialog
      label="Fix drifted balance"
      title="Bring the cached balance to the ledger sum"
      description={`The cached balance is ${formatCredits(drift)} credits off its ledger. The ledger stays as it is (it is the record of money); the cache is recomputed from it.`}
      input={{ userId, drift }}
      edit="credits.fixDrift"
    />
  );
}

export function ReverseEntry({ entryId, amount }: { entryId: string; amount: string }) {
  return (
    <ConfirmDialog
      label="Reverse"
      triggerLabel={`Reverse entry ${entryId}`}
      variant="ghost"
      title="Reverse this ledger entry"
      description={`A compensating entry of ${formatCredits(negateDecimal(amount))} credits nets this one to zero; the original stays untouched.`}
      input={{ entryId, amount }}
      edit="credits.reverse"
    />
  );
}
