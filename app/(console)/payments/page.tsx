import type { Metadata } from 'next';
import Link from 'next/link';
import { after } from 'next/server';
import { getDb, getLongReadPool, read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { canFlag, listPayments, parsePaymentFilters, paymentFacets, PAYMENT_SORTS } from '@/lib/domain/payments';
import { csvHref, PAYMENTS_SPEC } from '@/lib/domain/list-csv';
import { liveIsBounded, PAYMENT_DAYS_MAX_AGE_MS, paymentsAreLarge, paymentTotalsView, refreshPaymentDays } from '@/lib/domain/payments-totals';
import { parseTableQuery, type SearchParams } from '@/lib/table-query';
import { formatCount, formatSeconds } from '@/lib/format';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { PaymentsTable } from '@/components/tables/payments-table';
import { PaymentFiltersForm } from '@/app/(console)/payments/_components/payment-filters';
import { formatMoney } from '@/lib/money';
import { RefreshWhile } from '@/components/refresh-while';
import { When } from '@/components/ui/when';

export const metadata: Metadata = { title: 'Payments' };

/** The recount reads every payment: its own timeout, on the long-read pool. */
const RECOUNT_TIMEOUT_MS = 300_000;

const SPEC = PAYMENTS_SPEC;

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext('payments.read');
  const sp = await searchParams;
  const { filters, problems } = parsePaymentFilters(sp);
  const { mapping } = ctx;
  if (filters.flag && !canFlag(mapping.ledger)) {
    problems.push('flag: flags compare payments with the credit ledger, and this product keeps none.');
    delete filters.flag;
  }
  const query = parseTableQuery(sp, SPEC);
  // On a large table the credit flags and the amount order read every payment (no index serves them):
  // the list is read only within a user; the reconciliation finds the flagged payments incrementally.
  const unbounded = (filters.flag || query.sort.id === 'amount') && !liveIsBounded(filters) && (await read((trx) => paymentsAreLarge(trx, mapping)));
  const [rows, totals] = await Promise.all([
    unbounded ? null : attempt(() => read((trx) => listPayments(trx, ctx, filters, { sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset }))),
    // Totals scan the filtered set: on a large table, the stored days and the payments since (payments-totals.ts).
    attempt(() => read((trx) => paymentTotalsView(trx, ctx, filters))),
  ]);
  // The filter form's choices: those the stored days hold, else a sample (a small one on a large table).
  const stored = totals.ok ? totals.value.facets : null;
  const large = totals.ok && (totals.value.stored !== null || totals.value.totals === null || totals.value.facets !== null);
  const facets = stored ? { ok: true as const, value: stored } : await attempt(() => read((trx) => paymentFacets(trx, ctx, large ? 5_000 : 50_000)));
  if (totals.ok && totals.value.stale) {
    // The recount runs after the response, on the long-read pool: the page never waits for it.
    const recount = refreshPaymentDays(getDb(), mapping, (fn) => read(fn, { statementTimeoutMs: RECOUNT_TIMEOUT_MS }, getLongReadPool().db));
    after(() => recount);
  }
  const t = totals.ok ? totals.value.totals : null;
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Payments</h1>
        <p className="text-sm text-ink-muted">
          Every payment, with a check of its credits: a paid payment should have exactly one purchase entry in the ledger.
        </p>
      </div>
      <PaymentFiltersForm filters={filters} methods={facets.ok ? facets.value.methods : []} currencies={facets.ok ? facets.value.currencies : []} />
      {problems.length ? (
        <Notice tone="warn" title="Some filters were ignored">
          <ul className="list-inside list-disc">{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </Notice>
      ) : null}
      <Section id="totals" title="Totals" description="For every payment the filters match, across all pages.">
        {totals.ok && totals.value.notCounted ? (
          <Notice title="Totals not counted">
            An amount or credit-flag filter needs a pass over every payment of this table, longer than a page may take: add a user and the totals are counted.
          </Notice>
        ) : totals.ok && !t ? (
          <>
            <Notice title="Being computed">The totals of every payment are counted in the background (a pass over all of them); they appear here when the count is done.</Notice>
            <RefreshWhile ms={3000} />
          </>
        ) : totals.ok && t ? (
          <div className="space-y-2">
            <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
              <div><dt className="text-ink-muted">Payments</dt><dd className="text-xl font-semibold tabular-nums">{formatCount(t.count)}</dd></div>
              {t.byCurrency.map((c) => (
                <div key={c.currency ?? 'none'}>
                  <dt className="text-ink-muted">{c.currency ?? 'No currency'} ({formatCount(c.count)})</dt>
                  <dd className="text-xl font-semibold tabular-nums">{formatMoney(c.amount, c.currency)}</dd>
                </div>
              ))}
            </dl>
          {totals.value.stored ? (
            <p className="text-sm text-ink-muted">
              Payments created before <When at={totals.value.stored.horizon} /> as
              counted {formatSeconds(totals.value.stored.ageSeconds)} ago (Kontor&apos;s stored count: a pass over every payment), plus the{' '}
              {formatCount(totals.value.stored.tail)} created since, read now; recounted in the background when older than {PAYMENT_DAYS_MAX_AGE_MS / 60_000} min
              {totals.value.stale ? ' (under way now)' : ''}.
            </p>
          ) : null}
          </div>
        ) : !totals.ok ? <Notice tone="warn" title="Totals unavailable">{totals.message} Narrow the filters (a date range) and try again.</Notice> : null}
      </Section>
      <Section
        id="list" title="Payments"
        description={<>Newest first; choose another order with the column headers. <a href={csvHref('payments', sp)} className="text-accent underline underline-offset-4" download>Download CSV</a> (every payment the filters match, in this order).</>}
      >
        {rows === null ? (
          <Notice title="Not listed on a table this size">
            {filters.flag ? 'Finding the payments whose credits are wrong' : 'Ordering by amount'} reads every payment (no index serves it), longer than a page may
            take: add a user, or see the <Link href="/finance/reconciliation" className="text-accent underline underline-offset-4">reconciliation</Link>, which
            checks every payment&apos;s credits incrementally. <Link href="/payments" className="text-accent underline underline-offset-4">Newest first</Link> is listed at once.
          </Notice>
        ) : rows.ok ? (
          <PaymentsTable rows={rows.value} rowCount={t ? t.count : null} query={query} sortable={PAYMENT_SORTS} caption="Payments matching the filters" />
        ) : <Notice tone="warn">{rows.message}</Notice>}
      </Section>
    </>
  );
}
