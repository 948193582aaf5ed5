'use client';
/** The payment page's edit controls: each opens the shared confirm dialog bound to one payment edit. */
import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';
import { formatMoney } from '@/lib/money';
import type { PendingRequest } from '@/lib/guard/pending';

export function RefundControl({ paymentId, currency, remaining, pendingRequest }: { paymentId: string; currency: string; remaining: string; pendingRequest?: PendingRequest | null }) {
  const [amount, setAmount] = useState(remaining);
  const id = useId();
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="flex flex-col gap-1">
        <label htmlFor={id} className="text-sm font-medium">Refund amount ({currency})</label>
        <input
          id={id}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          className="w-32 rounded-md border border-line bg-surface px-2 py-1.5 text-sm tabular-nums"
        />
      </div>
      <ConfirmDialog
        label="Request refund"
        title="Refund this payment"
        description={`A refund record and a negative ledger entry for the same share of the credits; the payment's amount is never changed. At most ${formatMoney(remaining, currency)} remains refundable.`}
        input={{ paymentId, amount: amount.trim(), currency }}
        disabled={!amount.trim() || Boolean(pendingRequest)}
        pendingRequest={pendingRequest}
        edit="payments.refund"
      />
    </div>
  );
}

export function DisputeControl({ paymentId, amount, action, pendingRequest }: { paymentId: string; amount: string; action: 'open' | 'resolve'; pendingRequest?: PendingRequest | null }) {
  return (
    <ConfirmDialog
      label={action === 'open' ? 'Mark disputed' : 'Resolve dispute'}
      variant="secondary"
      title={action === 'open' ? 'Mark this payment disputed' : 'Resolve the dispute'}
      description={action === 'open'
        ? 'The customer contests this payment.'
        : 'The payment returns to completed. Money going back is a refund, recorded separately.'}
      input={{ paymentId, action, amount }}
      disabled={Boolean(pendingRequest)}
      pendingRequest={pendingRequest}
      edit="payments.dispute"
    />
  );
}

export function GrantControl({ paymentId, credits }: { paymentId: string; credits: string }) {
  return (
    <ConfirmDialog
      label="Grant missing credits"
      title="Grant this payment's credits"
      description={`One purchase entry of ${credits} credits, recorded once: a second grant of this payment is impossible.`}
      input={{ paymentId }}
      edit="payments.grantCredits"
    />
  );
}
