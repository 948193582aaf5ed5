import type { Metadata } from 'next';
import Link from 'next/link';
import { pageContext } from '@/app/(console)/_lib/context';
import { BILLING_KINDS, BILLING_LABELS, BILLING_LIMIT, BILLING_MAX_AGE_MS, type BillingReport } from '@/lib/domain/billing-checks';
import { Notice } from '@/components/ui/notice';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { attempt } from '@/app/(console)/_lib/attempt';
import { RefreshWhile } from '@/components/refresh-while';
import { formatSeconds } from '@/lib/format';
import { billingView, type BillingView } from '@/app/(console)/finance/billing/_lib/report';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Billing checks' };

const link = 'text-accent underline underline-offset-4';

/** Where a finding's row opens: the payment, or the user. */
function hrefOf(kind: string, id: string, userId: string | null): string | null {
  if (kind === 'payment_duplicate_period') return `/payments/${encodeURIComponent(id)}`;
  return userId ? `/users/${encodeURIComponent(userId)}` : null;
}

export default async function BillingChecksPage() {
  const ctx = await pageContext('credits.read');
  const { staff, mapping } = ctx;
  const r = await attempt(() => billingView(mapping));
  if (!r.ok) {
    return (
      <>
        <h1 className="text-2xl font-semibold tracking-tight">Billing checks</h1>
        <ReadProblem title="The billing checks could not run" problem={r} />
      </>
    );
  }
  const view = r.value;
  const report = view.live ? view.report : view.stored?.report;
  const canPayments = staff.can('payments.read');
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Billing checks</h1>
        <p className="text-sm text-ink-muted">
          What a product that bills by subscription, purchase or usage gets wrong without a credit ledger to reconcile: a
          period paid twice, a paying subscriber left on a free tier, a usage counter that disagrees with what it counts.
          At most {BILLING_LIMIT} findings per check.
        </p>
        <Freshness view={view} />
      </div>
      {report ? <Report report={report} canPayments={canPayments} /> : null}
    </>
  );
}

/**
 * Live on a small product; on a large one the last full run (lib/domain/billing-checks.ts): when it
 * ran, how long it took, and whether a new one is under way or failed. Never a partial result.
 */
function Freshness({ view }: { view: BillingView }) {
  if (view.live) return <p className="text-sm text-ink-muted">Read live.</p>;
  const { stored, refreshing, failed } = view;
  return (
    <>
      {failed ? <Notice tone="warn" title="The last full run failed">{failed}</Notice> : null}
      {stored ? (
        <p className="text-sm text-ink-muted">
          The product is large: these are the findings of the last full run, {formatSeconds(stored.ageSeconds)} ago
          (at <When at={stored.computedAt} />, in{' '}
          {formatSeconds(stored.ms / 1000)}), which read every row the checks compare. A new run starts in the
          background when the last is older than {BILLING_MAX_AGE_MS / 60_000} min{refreshing ? ' (under way now)' : ''};{' '}
          <code>kontor reconcile</code> runs the checks on demand.
        </p>
      ) : refreshing ? (
        <>
          <Notice title="Being computed">
            The product is large: the checks read every row they compare in the background, and their findings appear here
            when the run is done.
          </Notice>
          <RefreshWhile ms={3000} />
        </>
      ) : null}
    </>
  );
}

function Report({ report, canPayments }: { report: BillingReport; canPayments: boolean }) {
  return (
    <>
      <Section id="checks" title="Which checks ran" description="A check that could not run says why: it is never counted as finding nothing.">
        <ul className="space-y-2 text-sm">
          {report.checks.map((c) => (
            <li key={c.kind} className="rounded-lg border border-line px-4 py-3">
              <span className="font-medium">{BILLING_LABELS[c.kind]}</span>
              {': '}
              {c.ran ? (c.found ? <span className="text-danger">{c.found} found</span> : 'ran, nothing found') : <span className="text-ink-muted">did not run: {c.why}</span>}
            </li>
          ))}
        </ul>
      </Section>
      {BILLING_KINDS.map((kind) => {
        const rows = report.findings.filter((f) => f.kind === kind);
        if (!rows.length) return null;
        return (
          <Section key={kind} id={kind} title={`${BILLING_LABELS[kind]} (${rows.length})`}>
            <div className="relative overflow-x-auto rounded-lg border border-line">
              <table className="w-full text-sm">
                <thead className="bg-surface-muted text-left">
                  <tr><th className="px-3 py-2">Row</th><th className="px-3 py-2">Expected</th><th className="px-3 py-2">Actual</th><th className="px-3 py-2">What</th></tr>
                </thead>
                <tbody>
                  {rows.map((f) => {
                    const href = kind === 'payment_duplicate_period' && !canPayments ? null : hrefOf(kind, f.id, f.userId);
                    return (
                      <tr key={f.id} className="border-t border-line">
                        <td className="px-3 py-2 font-mono text-xs">{href ? <Link className={link} href={href}>{f.id}</Link> : f.id}</td>
                        <td className="px-3 py-2">{f.expected ?? '–'}</td>
                        <td className="px-3 py-2">{f.actual ?? '–'}</td>
                        <td className="px-3 py-2">{f.detail}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </Section>
        );
      })}
      {report.findings.length === 0 && report.checks.some((c) => c.ran) ? <Notice title="Nothing found">Every check that could run found nothing.</Notice> : null}
    </>
  );
}
