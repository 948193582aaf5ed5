import type { Metadata } from 'next';
import { read } from '@/db/index';
import { requireStaff } from '@/lib/auth';
import { canFlag, listPayments, parsePaymentFilters, paymentFacets, paymentTotals, PAYMENT_SORTS, type PaymentSort } from '@/lib/domain/payments';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/components/data-table/query';
import { formatCount } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { PaymentsTable } from '@/app/(console)/payments/_components/payments-table';
import { PaymentFiltersForm } from '@/app/(console)/payments/_components/payment-filters';
import { getMappingCheck } from '@/app/(console)/_lib/mapping';
import { formatMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Payments' };

const SPEC: TableSpec<PaymentSort> = { sortable: PAYMENT_SORTS, defaultSort: { id: 'created', desc: true }, pageSizes: [25, 50, 100] };

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff('payments.read');
  const sp = await searchParams;
  const { filters, problems } = parsePaymentFilters(sp);
  const { mapping } = await getMappingCheck();
  if (filters.flag && !canFlag(mapping.ledger)) {
    problems.push('flag: flags compare payments with the credit ledger, and this product keeps none.');
    delete filters.flag;
  }
  const query = parseTableQuery(sp, SPEC);
  const [rows, totals, facets] = await Promise.all([
    attempt(() => read((trx) => listPayments(trx, staff, filters, { sort: query.sort.id, desc: query.sort.desc, limit: query.pageSize, offset: query.offset }))),
    // Totals scan the filtered set; on a huge table they may hit the statement timeout alone.
    attempt(() => read((trx) => paymentTotals(trx, staff, filters))),
    attempt(() => read((trx) => paymentFacets(trx, staff))),
  ]);
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
        {totals.ok ? (
          <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
            <div><dt className="text-ink-muted">Payments</dt><dd className="text-xl font-semibold tabular-nums">{formatCount(totals.value.count)}</dd></div>
            {totals.value.byCurrency.map((c) => (
              <div key={c.currency ?? 'none'}>
                <dt className="text-ink-muted">{c.currency ?? 'No currency'} ({formatCount(c.count)})</dt>
                <dd className="text-xl font-semibold tabular-nums">{formatMoney(c.amount, c.currency)}</dd>
              </div>
            ))}
          </dl>
        ) : <Notice tone="warn" title="Totals unavailable">{totals.message} Narrow the filters (a date range) and try again.</Notice>}
      </Section>
      <Section id="list" title="Payments" description="Newest first; choose another order with the column headers.">
        {rows.ok ? (
          <PaymentsTable rows={rows.value} rowCount={totals.ok ? totals.value.count : null} query={query} sortable={PAYMENT_SORTS} caption="Payments matching the filters" />
        ) : <Notice tone="warn">{rows.message}</Notice>}
      </Section>
    </>
  );
}
