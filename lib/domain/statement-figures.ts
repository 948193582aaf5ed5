/**
 * What the statement is made of, shared by its two readers: the ledger itself (statement-ledger.ts:
 * the original queries, the fallback and the tests' reference) and the rollup (statement-rollup.ts).
 * Both classify an entry by the same per-column conditions, so a type listed in two kinds counts in
 * both, as it always did.
 */
import { sql, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, type Mapping } from '@/lib/mapping';
import { rescale } from '@/lib/money';

import { STATEMENT_COLUMNS } from '@/lib/domain/statement-columns';

export { STATEMENT_COLUMNS };
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];
/** Sums as strings (numeric): grants, spends, refunds and expiries are positive amounts; adjustments and other signed. */
export type StatementFigures = Record<StatementColumn, string>;
/** The period's activity columns (all but opening and closing). */
export const ACTIVITY_COLUMNS = ['grants', 'spends', 'adjustments', 'refunds', 'expiries', 'other'] as const;
export type ActivityColumn = (typeof ACTIVITY_COLUMNS)[number];

export interface Period {
  from: Date;
  to: Date;
  /** The last day a per-day view lists: today, when the period runs past it (a month in progress). */
  through?: Date;
}

/** The days of a per-day view up to the period's `through` (a month view stops at today, never lists tomorrow). */
export function daysShown<T extends { day: string }>(days: T[], period: Period): T[] {
  if (!period.through) return days;
  const last = period.through.toISOString().slice(0, 10);
  return days.filter((d) => d.day.slice(0, 10) <= last);
}

export function ledgerOf(mapping: Mapping) {
  const { ledger } = mapping;
  if (!ledger) throw new Error('The statement needs the ledger concept in the table mapping.');
  return ledger;
}

/**
 * Per activity column over ledger alias `l`: which entries count in it, and with which sign
 * (spends, refunds and expiries are shown as positive amounts).
 */
export function activityKinds(mapping: Mapping): Record<ActivityColumn, { when: RawBuilder<unknown>; negate: boolean }> {
  const ledger = ledgerOf(mapping);
  const t = ledger.types;
  const type = hasColumn(ledger, 'type') ? sql`${columnOf(ledger, 'type', 'l')}::text` : sql`null::text`;
  const of = (values: (string | undefined)[]) => {
    const v = values.filter((x): x is string => Boolean(x));
    return v.length ? sql`${type} = any(${v}::text[])` : sql`false`;
  };
  const known = [t.purchase, t.grant, t.spend, t.manual, t.refund, t.expiry].filter((x): x is string => Boolean(x));
  return {
    grants: { when: of([t.purchase, t.grant]), negate: false },
    spends: { when: of([t.spend]), negate: true },
    adjustments: { when: of([t.manual]), negate: false },
    refunds: { when: of([t.refund]), negate: true },
    expiries: { when: of([t.expiry]), negate: true },
    other: { when: sql`(${type} is null or not (${type} = any(${known}::text[])))`, negate: false },
  };
}

/** `grants, spends, ...` as sums over alias `l` of the entries for which `within` holds, 0 when none. */
export function activitySums(mapping: Mapping, within: RawBuilder<unknown>): RawBuilder<unknown> {
  const amount = columnOf(ledgerOf(mapping), 'amount', 'l');
  const kinds = activityKinds(mapping);
  return sql.join(Object.entries(kinds).map(([c, k]) =>
    sql`coalesce(${sql.raw(k.negate ? '-' : '')}sum(${amount}) filter (where ${within} and ${k.when}), 0) as ${sql.id(c)}`));
}

export const asText = (r: Record<string, unknown>, scale: number) =>
  Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, rescale(String(r[c] ?? '0'), scale)])) as StatementFigures;

export interface StatementDay extends StatementFigures { day: string }

export const STATEMENT_USER_SORTS = ['user', ...STATEMENT_COLUMNS] as const;
export type StatementUserSort = (typeof STATEMENT_USER_SORTS)[number];

export interface StatementUserRow extends StatementFigures { userId: string; email: string | null }

/** A per-user row as both readers return it: the user key as text (null for entries without a user). */
export type StatementUserSqlRow = Record<StatementColumn, string> & { user_id: string; email: string | null };

export function toStatementUserRow(r: StatementUserSqlRow, scale: number): StatementUserRow {
  return { userId: r.user_id, email: r.email, ...asText(r, scale) };
}
