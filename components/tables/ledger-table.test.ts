/** A list's caption says the order its rows are in: the payment page lists its entries oldest first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AppRouterContext } from 'next/dist/shared/lib/app-router-context.shared-runtime';
import { PathnameContext, SearchParamsContext } from 'next/dist/shared/lib/hooks-client-context.shared-runtime';
import { LedgerTable } from '@/components/tables/ledger-table';
import type { LedgerEntryRow } from '@/lib/domain/payments';
import type { TableQuery } from '@/lib/table-query';

const entry = (id: string, createdAt: string): LedgerEntryRow =>
  ({ id, createdAt, type: 'purchase', amount: '10.00', description: null, paymentId: null }) as LedgerEntryRow;
// The shell reads the router, the path and the query (its links keep them): the contexts Next would give it.
const router = { push() {}, replace() {}, refresh() {}, prefetch() {}, back() {}, forward() {} };
const render = (el: ReactElement) => renderToStaticMarkup(
  createElement(AppRouterContext.Provider, { value: router as never },
    createElement(PathnameContext.Provider, { value: '/payments/x' },
      createElement(SearchParamsContext.Provider, { value: new URLSearchParams() as never }, el))));
const query = (desc: boolean): TableQuery => ({ page: 1, pageSize: 100, sort: { id: 'created', desc }, q: '', offset: 0 });

test('the ledger table\'s caption follows its order: oldest first on a payment, newest first on a user', () => {
  const rows = [entry('a', '2026-11-01T10:00:00Z'), entry('b', '2026-11-02T10:00:00Z')];
  const oldestFirst = render(createElement(LedgerTable, { rows, total: 2, query: query(false), prefix: 'e_' }));
  assert.match(oldestFirst, /<caption[^>]*>Ledger entries, oldest first<\/caption>/);
  const newestFirst = render(createElement(LedgerTable, { rows: rows.toReversed(), total: 2, query: query(true), prefix: 'e_' }));
  assert.match(newestFirst, /<caption[^>]*>Ledger entries, newest first<\/caption>/);
});
