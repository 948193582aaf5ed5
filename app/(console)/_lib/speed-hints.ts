import 'server-only';
/**
 * What would make a section's read fast, found only once it has timed out (attempt's `whenSlow`): the
 * indexes its read would use that the product's table lacks (a catalog read), and the same page asking
 * for less (one day instead of a month, the last hour instead of a day).
 */
import { read } from '@/db/index';
import { indexHints } from '@/lib/domain/reconcile/hints';
import type { TableRef } from '@/lib/mapping';
import type { SpeedHint } from '@/app/(console)/_lib/attempt';
import { formatCount } from '@/lib/format';

const DAY = 86_400_000;

/** A column a section's read filters or groups on, and why an index on it would help. */
export interface Watched {
  table: TableRef | undefined;
  column: string | undefined;
  why: string;
}

/** The indexes `watched` lacks on tables big enough to need one (lib/domain/reconcile/hints.ts). */
export function missingIndexes(watched: Watched[]): () => Promise<SpeedHint[]> {
  return async () => {
    const wanted = watched.flatMap((w) => (w.table && w.column ? [{ table: w.table, column: w.column, why: w.why }] : []));
    if (!wanted.length) return [];
    const found = await read((trx) => indexHints(trx, wanted));
    return found.map((h) => ({
      kind: 'index',
      table: h.table,
      sql: h.sql,
      why: `${wanted.find((w) => w.column === h.column)?.why ?? h.column}; it reads ~${formatCount(h.rows)} rows without one`,
    }));
  };
}

/** The same page for the period's last day, when it asked for more than one. */
export function oneDayOf(pathname: string, period: { from: Date; to: Date }): SpeedHint[] {
  const days = Math.round((period.to.getTime() - period.from.getTime()) / DAY);
  if (days <= 1) return [];
  const last = new Date(period.to.getTime() - DAY).toISOString().slice(0, 10);
  return [{ kind: 'narrower', label: `Only ${last}: one day of the ${days} asked for`, href: `${pathname}?period=day&day=${last}` }];
}

/** The same page over the last hour, when the window is longer. */
export function lastHourOf(pathname: string, windowHours: number): SpeedHint[] {
  return windowHours > 1 ? [{ kind: 'narrower', label: `Only the last hour, not ${windowHours} h`, href: `${pathname}?window=1` }] : [];
}

/** Several hints as one `whenSlow`: lists as they are, finders run in turn. */
export function slowHints(...parts: (SpeedHint[] | (() => Promise<SpeedHint[]>))[]): () => Promise<SpeedHint[]> {
  return async () => {
    const out: SpeedHint[] = [];
    for (const p of parts) out.push(...(Array.isArray(p) ? p : await p()));
    return out;
  };
}
