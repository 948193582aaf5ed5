import 'server-only';
import { cache } from 'react';
import { read } from '@/db/index';
import { booksToday } from '@/lib/domain/clock';
import type { Mapping } from '@/lib/mapping';
import { periodSchema } from '@/lib/domain/statement';
import { ignoredFilters } from '@/lib/filters';
import { first } from '@/lib/format';

/** What every finance page needs from the database (missingConcepts(ctx, FINANCE_CONCEPTS)). */
export const FINANCE_CONCEPTS = ['users', 'ledger'] as const;

/** The books' "today": the database's clock; the demo's anchor only for the demo (lib/domain/clock.ts). */
export const financeToday = cache((mapping: Mapping): Promise<Date> => read((trx) => booksToday(trx, mapping)));

/** The same URL parameters, for a CSV link or a form's hidden fields. */
export function queryString(params: Record<string, string | string[] | undefined>, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const value = first(v);
    if (value !== undefined && value !== '') q.set(k, value);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** What a period form's URL asked for that is not a date (a notice's text), or null. */
export function periodProblem(params: Record<string, string | string[] | undefined>): string | null {
  const raw = Object.fromEntries(['day', 'month', 'from', 'to'].map((k) => [k, first(params[k])]));
  return ignoredFilters(raw, periodSchema.parse(raw), { day: 'day', month: 'month', from: 'from', to: 'to' });
}
