import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { read } from '@/db/index';
import { urlKeySchema } from '@/lib/domain/payments-common';
import { resolveIdPrefix, WhichId } from '@/app/(console)/_components/by-id-prefix';
import { isKeyTypeMismatch } from '@/db/errors';
import { pageContext } from '@/app/(console)/_lib/context';
import { auditHistoryHref, listPendingRequests } from '@/lib/guard';
import { getPayment } from '@/lib/domain/payments';
import { getRefundSummary } from '@/lib/domain/refunds';
import { paymentActions } from '@/lib/domain/payment-actions';
import type { TableQuery } from '@/lib/table-query';
import { Notice } from '@/components/ui/notice';
import { PendingRequests } from '@/components/confirm/pending-requests';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { LedgerTable } from '@/components/tables/ledger-table';
import { CREDIT_FLAG_TEXT } from '@/lib/domain/payment-credit-labels';
import { RefundsTable } from '@/app/(console)/payments/_components/refunds-table';
import { DisputeControl, GrantControl, RefundControl } from '@/app/(console)/payments/_components/payment-edits';
import { formatCredits, formatMoney } from '@/lib/money';
import { isDerived } from '@/lib/mapping/sql';
import { attempt } from '@/app/(console)/_lib/attempt';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Payment' };

const ALL: TableQuery = { page: 1, pageSize: 100, sort: { id: 'created', desc: false }, q: '', offset: 0 };

export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await pageContext('payments.read');
  const { staff, mapping } = ctx;
  // uuid keys (Supabase), or integer ones (Django's, Seydam's payments).
  const id = urlKeySchema.safeParse((await params).id);
  if (!id.success) notFound();
  const r = await attempt(() => read(async (trx) => {
    const detail = await getPayment(trx, ctx, id.data);
    if (!detail) return null;
    const pending = await listPendingRequests(trx, [{ type: 'payment', id: detail.payment.id }]);
    return { detail, refunds: await getRefundSummary(trx, ctx, detail.payment), pending };
  }).catch((err: unknown) => {
    if (isKeyTypeMismatch(err)) return null; // an integer id on a uuid-keyed product, or the reverse
    throw err;
  }));
  if (!r.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Payment</h1>
        <p className="font-mono text-sm text-ink-muted">{id.data}</p>
        <ReadProblem title="The payment could not be read" problem={r} />
      </>
    );
  }
  const data = r.value;
  if (!data) return <WhichId concept="payments" prefix={id.data} found={await resolveIdPrefix(ctx, 'payments', id.data)} />; // the start of an id, or not found
  const { detail: { payment: p, entries, grants }, refunds: { rows: refunds, refunded, remaining, refundable }, pending } = data;
  const pendingOf = (edit: string) => pending.find((r) => r.edit === edit) ?? null;
  // Grants and refunds write ledger entries; the guarded edits take uuid keys (the Supabase products').
  // A product without a ledger (Seydam's, AetherCrown98's) or with integer keys gets the facts, not the edits.
  const ledgerKept = Boolean(mapping.ledger);
  const actions = paymentActions(staff, p, { refundable }, { writable: !isDerived(mapping.payments!), ledger: ledgerKept });

  return (
    <>
      <div className="space-y-1">
        <p className="text-sm text-ink-muted"><Link href="/payments" className="underline underline-offset-4">Payments</Link></p>
        <h1 className="text-2xl font-semibold tracking-tight">Payment {p.orderId ?? p.id}</h1>
        <p className="text-sm text-ink-muted">
          <span className="font-mono">{p.id}</span>
          {staff.can('audit.read') ? <> · <Link href={auditHistoryHref({ type: 'payment', id: p.id })} className="text-accent underline underline-offset-4">Audit history</Link></> : null}
        </p>
      </div>
      <PendingRequests requests={pending} />
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 rounded-lg border border-line bg-surface p-4 text-sm sm:grid-cols-[auto_1fr_auto_1fr]">
        <dt className="text-ink-muted">Amount</dt><dd className="tabular-nums">{formatMoney(p.amount, p.currency)}</dd>
        <dt className="text-ink-muted">Status</dt><dd>{p.status}</dd>
        <dt className="text-ink-muted">Credits</dt><dd className="tabular-nums">{p.credits === null ? '—' : formatCredits(p.credits)}</dd>
        <dt className="text-ink-muted">Refunded</dt><dd className="tabular-nums">{formatMoney(refunded, p.currency)}</dd>
        <dt className="text-ink-muted">User</dt>
        <dd>{p.userId ? <Link href={`/users/${p.userId}`} className="text-accent underline underline-offset-4">{p.email ?? p.userId}</Link> : 'deleted user'}</dd>
        <dt className="text-ink-muted">Created</dt><dd><When at={p.createdAt} /></dd>
        <dt className="text-ink-muted">Provider</dt><dd>{p.provider ?? '—'} <span className="font-mono">{p.providerRef ?? ''}</span></dd>
        <dt className="text-ink-muted">Method</dt><dd>{p.method ?? '—'}</dd>
      </dl>

      {ledgerKept ? (
      <Section id="grants" title="Credit grant" description="A paid payment has exactly one grant standing in the ledger: its purchase entries net of their reversals, counted as the reconciliation counts them.">
        {p.flag === 'payment_without_grant' ? (
          <Notice tone="danger" title={CREDIT_FLAG_TEXT[p.flag]}>This payment is {p.status} but no purchase entry grants its credits (net of reversals): the customer never received {p.credits ?? 'its'} credits.</Notice>
        ) : p.flag === 'payment_granted_twice' ? (
          <Notice tone="danger" title={CREDIT_FLAG_TEXT[p.flag]}>The ledger grants this payment&apos;s credits {p.netGrants} times (purchase entries net of reversals): the customer received them {p.netGrants} times. Reverse the extra entry (Finance).</Notice>
        ) : p.flag === 'grant_without_payment' ? (
          <Notice tone="danger" title={CREDIT_FLAG_TEXT[p.flag]}>This payment is {p.status}, yet the ledger grants its credits. Reverse the grant (Finance).</Notice>
        ) : p.netGrants === 1 ? (
          <p className="text-sm">One grant standing: correct.{grants.length > 1 ? ` (${grants.length} purchase entries, reversals included.)` : ''}</p>
        ) : (
          <p className="text-sm text-ink-muted">Not paid, so no credits are owed.</p>
        )}
        {actions.grant && p.credits ? <GrantControl paymentId={p.id} credits={p.credits} /> : null}
        {staff.can('credits.read') ? <LedgerTable rows={entries} total={entries.length} query={ALL} prefix="e_" /> : null}
      </Section>
      ) : (
        <Notice title="No credit ledger">This product keeps no credit ledger, so there is no grant to check and refunds are recorded in its own payment system.</Notice>
      )}

      <Section id="refunds" title="Refunds" description="Each refund is a new record and a negative ledger entry; partial refunds add up to at most the payment.">
        <RefundsTable rows={refunds} />
        {actions.refund && p.currency ? <RefundControl paymentId={p.id} currency={p.currency} remaining={remaining} pendingRequest={pendingOf('payments.refund')} /> : null}
      </Section>

      {actions.dispute ? (
        <Section id="dispute" title="Dispute" description={actions.dispute === 'resolve' ? 'This payment is disputed.' : 'Mark the payment disputed when the customer contests it with their bank or provider.'}>
          <DisputeControl paymentId={p.id} amount={p.amount} action={actions.dispute} pendingRequest={pendingOf('payments.dispute')} />
        </Section>
      ) : null}
    </>
  );
}
