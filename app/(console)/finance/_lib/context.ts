import 'server-only';
import { cache } from 'react';
import { read } from '@/db/index';
import { booksToday } from '@/lib/domain/clock';
import { getMappingCheck } from '@/app/(console)/_lib/mapping';
import { periodSchema } from '@/lib/domain/statement';
import { ignoredFilters } from '@/lib/filters';
import { first } from '@/lib/format';

/** The validated mapping, and whether the finance pages can work on it (users and ledger are needed). */
export const financeMapping = cache(async () => {
  const check = await getMappingCheck();
  const missing = (['users', 'ledger'] as const).filter((c) => !check.available.includes(c));
  return { mapping: check.mapping, check, missing };
});

/** The books' "today": the database's clock; the demo's anchor only for the demo (lib/domain/clock.ts). */
export const financeToday = cache(async (): Promise<Date> => {
  const { mapping } = await financeMapping();
  return read((trx) => booksToday(trx, mapping));
});

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
