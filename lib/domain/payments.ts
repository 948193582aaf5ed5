/**
 * Payments as support and finance read them: a filtered, paged list with totals for the filtered
 * set, one payment with its credit grants from the ledger, and the payments whose credits are wrong,
 * judged as the reconciliation judges them (payment-credit.ts: grants net of reversals).
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { ReadContext } from '@/lib/context';
import type { StaffContext } from '@/lib/auth';
import { columnOf, hasColumn, keyOf, tableOf, type Concept, type Mapping } from '@/lib/mapping';
import { creditVerdict, netGrantsOf, type PaymentCreditKind } from '@/lib/domain/payment-credit';
import { GuardError } from '@/lib/guard/errors';
import { majorAmount, paymentConcepts, paymentReadConcepts, rawStatuses, statusKeyOf, type PaymentStatusKey } from '@/lib/domain/payments-common';
import { looksLikeUuid, rowKeySchema } from '@/lib/mapping/keys';
import { creditScale, majorAmountSql, storedBoundSql } from '@/lib/domain/money-sql';
import { parseColumn } from '@/lib/mapping/sql';
import { namesByKey } from '@/lib/domain/names';
import { compareDecimals, rescale } from '@/lib/money';

export const PAYMENT_SORTS = ['created', 'amount', 'status'] as const;
export type PaymentSort = (typeof PAYMENT_SORTS)[number];
export const PAYMENT_STATUS_KEYS = ['created', 'pending', 'completed', 'failed', 'refunded', 'disputed'] as const satisfies readonly PaymentStatusKey[];
/** The list's credit filter, from the URL, and the verdicts each keeps ('any': every wrong one). */
export const CREDIT_FILTERS = {
  none: 'payment_without_grant', twice: 'payment_granted_twice', unpaid: 'grant_without_payment',
} as const satisfies Record<string, PaymentCreditKind>;

const decimal = z.string().trim().regex(/^\d{1,9}(\.\d{1,2})?$/, { error: 'Amounts are positive numbers with at most 2 decimals.' });
const blank = (v: unknown) => (v === '' || v === undefined ? undefined : Array.isArray(v) ? v[0] : v);

/** Whether the flag filter can work: it counts a payment's purchase entries in the ledger. */
export function canFlag(ledger: Mapping['ledger']): ledger is NonNullable<Mapping['ledger']> {
  return Boolean(ledger && hasColumn(ledger, 'paymentId') && hasColumn(ledger, 'type') && ledger.types.purchase);
}

/** The list's filters, from the URL: anything malformed is dropped, with a message for the page. */
export const paymentFiltersSchema = z.object({
  status: z.preprocess(blank, z.enum(PAYMENT_STATUS_KEYS).optional()),
  method: z.preprocess(blank, z.string().regex(/^[a-z_]{1,32}$/, { error: 'Unknown method.' }).optional()),
  currency: z.preprocess(blank, z.string().toUpperCase().regex(/^[A-Z]{3}$/, { error: 'A currency is a three-letter code.' }).optional()),
  min: z.preprocess(blank, decimal.optional()),
  max: z.preprocess(blank, decimal.optional()),
  from: z.preprocess(blank, z.iso.date({ error: 'Dates are YYYY-MM-DD.' }).optional()),
  to: z.preprocess(blank, z.iso.date({ error: 'Dates are YYYY-MM-DD.' }).optional()),
  // A user filter is a uuid (any version) or an integer: the users keys of the products Kontor knows.
  user: z.preprocess(blank, rowKeySchema('user').refine((s) => looksLikeUuid(s) || /^\d{1,19}$/.test(s), { error: 'The user is not a valid id.' }).optional()),
  flag: z.preprocess(blank, z.enum(['none', 'twice', 'unpaid', 'any']).optional()),
});
export type PaymentFilters = z.infer<typeof paymentFiltersSchema>;

export function parsePaymentFilters(params: Record<string, unknown>): { filters: PaymentFilters; problems: string[] } {
  const filters: PaymentFilters = {};
  const problems: string[] = [];
  for (const key of Object.keys(paymentFiltersSchema.shape) as (keyof PaymentFilters)[]) {
    const r = paymentFiltersSchema.shape[key].safeParse(params[key]);
    if (r.success) (filters as Record<string, unknown>)[key] = r.data;
    else problems.push(`${key}: ${r.error.issues[0].message}`);
  }
  if (filters.min && filters.max && compareDecimals(filters.min, filters.max) > 0) problems.push('The minimum amount is above the maximum.');
  return { filters, problems };
}

export interface PaymentRow {
  id: string;
  userId: string | null;
  email: string | null;
  amount: string;
  currency: string | null;
  credits: string | null;
  status: string;
  statusKey: PaymentStatusKey | null;
  method: string | null;
  provider: string | null;
  providerRef: string | null;
  orderId: string | null;
  createdAt: string;
  /** Its grants net of reversals (null: no ledger to count them in). */
  netGrants: number | null;
  /** What is wrong with its credits, as the reconciliation would report it; null when nothing is (or no ledger). */
  flag: PaymentCreditKind | null;
}

export function assertCan(staff: StaffContext) {
  if (!staff.can('payments.read')) throw new GuardError('forbidden', 'payments.read is required to read payments.');
}

function optional(present: boolean, expr: () => RawBuilder<unknown>) {
  return present ? expr() : sql`null`;
}

/** The verdict on the credits of the payment aliased p, given its grants net of reversals. */
const verdictOf = (payments: Concept<'payments'>, net: RawBuilder<unknown>) =>
  creditVerdict(payments, { exists: sql`true`, status: columnOf(payments, 'status', 'p'), net });

/** The payment columns every view shows, plus its grants and their verdict (one index probe per row). */
function paymentSelect(mapping: Mapping) {
  const { payments, ledger, users } = paymentReadConcepts(mapping);
  const p = (c: Parameters<typeof columnOf<typeof payments>>[1]) => columnOf(payments, c, 'p');
  return sql`
    p.${keyOf(payments)}::text as id, ${p('userId')}::text as user_id,
    (select u.${columnOf(users, 'email')}::text from ${tableOf(users)} u where u.${keyOf(users)} = ${p('userId')}) as email,
    ${p('amount')}::text as amount,
    ${optional(hasColumn(payments, 'currency'), () => sql`${p('currency')}::text`)} as currency,
    ${optional(hasColumn(payments, 'credits'), () => sql`${p('credits')}::text`)} as credits,
    ${p('status')}::text as status,
    ${optional(hasColumn(payments, 'method'), () => sql`${p('method')}::text`)} as method,
    ${optional(hasColumn(payments, 'provider'), () => sql`${p('provider')}::text`)} as provider,
    ${optional(hasColumn(payments, 'providerRef'), () => sql`${p('providerRef')}::text`)} as provider_ref,
    ${optional(hasColumn(payments, 'orderId'), () => sql`${p('orderId')}::text`)} as order_id,
    ${p('createdAt')} as created_at,
    ${canFlag(ledger) ? sql`g.net` : sql`null::int`} as net_grants, ${canFlag(ledger) ? verdictOf(payments, sql`g.net`) : sql`null::text`} as flag`;
}

/** The lateral join paymentSelect() reads its grants from (nothing without a ledger). */
function creditJoin(mapping: Mapping) {
  const { payments, ledger } = paymentReadConcepts(mapping);
  if (!canFlag(ledger)) return sql``;
  return sql`cross join lateral (select ${netGrantsOf(ledger, sql`p.${keyOf(payments)}`)} as net) g`;
}

export interface RawPayment {
  id: string; user_id: string | null; email: string | null; amount: string; currency: string | null; credits: string | null;
  status: string; method: string | null; provider: string | null; provider_ref: string | null; order_id: string | null;
  created_at: Date; net_grants: number | null; flag: PaymentCreditKind | null;
}

export function toPaymentRow(r: RawPayment, scale: number, mapping: Mapping): PaymentRow {
  const { payments } = paymentReadConcepts(mapping);
  const statusKey = statusKeyOf(payments, r.status);
  return {
    id: r.id, userId: r.user_id, email: r.email, amount: majorAmount(payments, r.amount, r.currency), currency: r.currency, credits: r.credits === null ? null : rescale(r.credits, scale),
    status: r.status, statusKey, method: r.method, provider: r.provider, providerRef: r.provider_ref, orderId: r.order_id,
    createdAt: r.created_at.toISOString(), netGrants: r.net_grants, flag: r.flag,
  };
}

/** The filters as a condition on the payments relation aliased p. */
export function whereOf(f: PaymentFilters, mapping: Mapping): RawBuilder<unknown> {
  const { payments, ledger } = paymentReadConcepts(mapping);
  const p = (c: Parameters<typeof columnOf<typeof payments>>[1]) => columnOf(payments, c, 'p');
  // Bounds are major units; a minor-unit column is compared with the bound times its row's currency factor.
  const amount = (v: string) => storedBoundSql(payments, 'p', v);
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (f.status) {
    const raw = payments.statuses[f.status];
    parts.push(raw === undefined ? sql`false` : sql`${p('status')} = ${raw}`);
  }
  if (f.method && hasColumn(payments, 'method')) parts.push(sql`${p('method')} = ${f.method}`);
  if (f.currency && hasColumn(payments, 'currency')) parts.push(sql`upper(${p('currency')}::text) = ${f.currency}`);
  if (f.min) parts.push(sql`${p('amount')} >= ${amount(f.min)}`);
  if (f.max) parts.push(sql`${p('amount')} <= ${amount(f.max)}`);
  if (f.from) parts.push(sql`${p('createdAt')} >= ${f.from}::date`);
  if (f.to) parts.push(sql`${p('createdAt')} < ${f.to}::date + 1`);
  if (f.user) parts.push(sql`${p('userId')} = ${f.user}`);
  // Without a ledger to compare with, no payment can be flagged: the filter matches none, never all.
  if (f.flag && !canFlag(ledger)) parts.push(sql`false`);
  if (f.flag && canFlag(ledger)) {
    // The grants counted once per row (the verdict names its count three times).
    const verdict = sql`(select ${verdictOf(payments, sql`n.net`)} from (select ${netGrantsOf(ledger, sql`p.${keyOf(payments)}`)} as net) n)`;
    // Only a completed payment can lack its grant: the status narrows the rows probed.
    if (f.flag === 'none') parts.push(sql`${p('status')} = any(${rawStatuses(payments, ['completed'])}::text[])`);
    parts.push(f.flag === 'any' ? sql`${verdict} is not null` : sql`${verdict} = ${CREDIT_FILTERS[f.flag]}`);
  }
  return sql.join(parts, sql` and `);
}

const ORDER: Record<PaymentSort, 'createdAt' | 'amount' | 'status'> = { created: 'createdAt', amount: 'amount', status: 'status' };

/**
 * The column a sort reads. Minor units in several currencies sort by their major value (¥1,000 is
 * 1000 and $9.99 is 999 in the column, yet the yen is worth less); one currency sorts by the bare
 * column, which an index can serve.
 */
function sortKey(sort: PaymentSort, mapping: Mapping): RawBuilder<unknown> {
  const { payments } = paymentReadConcepts(mapping);
  const currency = payments.columns.currency;
  const mixed = payments.amountUnit === 'minor' && currency !== undefined && parseColumn(currency).kind !== 'constant';
  return sort === 'amount' && mixed ? majorAmountSql(payments, 'p') : columnOf(payments, ORDER[sort], 'p');
}

/** Every payment the filters match, in the list's order, unpaged: the CSV export streams it through a cursor. */
export function paymentsExportQuery({ staff, mapping }: ReadContext, filters: PaymentFilters, q: { sort: PaymentSort; desc: boolean }) {
  assertCan(staff);
  const { payments } = paymentReadConcepts(mapping);
  const dir = sql.raw(q.desc ? 'desc' : 'asc');
  return sql<RawPayment>`
    select ${paymentSelect(mapping)} from ${tableOf(payments)} p ${creditJoin(mapping)}
     where ${whereOf(filters, mapping)}
     order by ${sortKey(q.sort, mapping)} ${dir}, p.${keyOf(payments)} ${dir}`;
}

/** One page of payments (no count: totals come from paymentTotals, which may time out on its own). */
export async function listPayments(
  db: QueryExecutorProvider,
  ctx: ReadContext,
  filters: PaymentFilters,
  q: { sort: PaymentSort; desc: boolean; limit: number; offset: number },
): Promise<PaymentRow[]> {
  assertCan(ctx.staff);
  const { mapping } = ctx;
  const { payments } = paymentReadConcepts(mapping);
  const dir = sql.raw(q.desc ? 'desc' : 'asc');
  const { rows } = await sql<RawPayment>`
    select ${paymentSelect(mapping)} from ${tableOf(payments)} p ${creditJoin(mapping)}
     where ${whereOf(filters, mapping)}
     order by ${sortKey(q.sort, mapping)} ${dir}, p.${keyOf(payments)} ${dir}
     limit ${q.limit} offset ${q.offset}`.execute(db);
  const scale = await creditScale(db, mapping);
  return rows.map((r) => toPaymentRow(r, scale, mapping));
}

export interface PaymentTotals {
  count: number;
  byCurrency: { currency: string | null; count: number; amount: string }[];
}

/** Count and sum per currency of the filtered set. */
export async function paymentTotals(db: QueryExecutorProvider, ctx: ReadContext, filters: PaymentFilters): Promise<PaymentTotals> {
  assertCan(ctx.staff);
  const { payments } = paymentReadConcepts(ctx.mapping);
  const currency = hasColumn(payments, 'currency') ? sql`upper(p.${columnOf(payments, 'currency')}::text)` : sql`null::text`;
  const { rows } = await sql<{ currency: string | null; n: string; amount: string }>`
    select ${currency} as currency, count(*)::text as n, coalesce(sum(p.${columnOf(payments, 'amount')}), 0)::text as amount
      from ${tableOf(payments)} p where ${whereOf(filters, ctx.mapping)}
     group by 1 order by count(*) desc, 1 limit 50`.execute(db);
  return {
    count: rows.reduce((n, r) => n + Number(r.n), 0),
    byCurrency: rows.map((r) => ({ currency: r.currency, count: Number(r.n), amount: majorAmount(payments, r.amount, r.currency) })),
  };
}

/** Paid payments with no purchase entry, or more than one: the flags, bounded. */
export async function listFlaggedPayments(db: QueryExecutorProvider, ctx: ReadContext, limit = 100): Promise<PaymentRow[]> {
  return listPayments(db, ctx, { flag: 'any' }, { sort: 'created', desc: true, limit, offset: 0 });
}

export interface LedgerEntryRow {
  id: string;
  userId: string;
  amount: string;
  type: string | null;
  paymentId: string | null;
  /** The payment's order number (nameSql in names.ts); null where the product keeps none, or the payment is gone. */
  paymentName: string | null;
  taskId: string | null;
  description: string | null;
  createdAt: string;
}

export interface PaymentDetail {
  payment: PaymentRow;
  /** The ledger entries that name this payment (its user's, and purchases of any user), oldest first, bounded. */
  entries: LedgerEntryRow[];
  /** The purchase entries among them: exactly one is right. */
  grants: LedgerEntryRow[];
}

export async function ledgerEntries(
  db: QueryExecutorProvider, mapping: Mapping, where: RawBuilder<unknown>, order: RawBuilder<unknown>, limit: number, offset = 0,
) {
  const { ledger } = paymentConcepts(mapping);
  const l = (c: Parameters<typeof columnOf<typeof ledger>>[1]) => columnOf(ledger, c, 'l');
  const opt = (c: 'type' | 'paymentId' | 'taskId' | 'description') => (hasColumn(ledger, c) ? sql`${l(c)}::text` : sql`null::text`);
  const { rows } = await sql<{ id: string; user_id: string; amount: string; type: string | null; payment_id: string | null; task_id: string | null; description: string | null; created_at: Date }>`
    select l.${keyOf(ledger)}::text as id, ${l('userId')}::text as user_id, ${l('amount')}::text as amount, ${opt('type')} as type,
           ${opt('paymentId')} as payment_id, ${opt('taskId')} as task_id, ${opt('description')} as description, ${l('createdAt')} as created_at
      from ${tableOf(ledger)} l where ${where} order by ${order} limit ${limit} offset ${offset}`.execute(db);
  const scale = await creditScale(db, mapping);
  // The page's payments named in one lookup by their key (a join would compare the ledger's reference
  // with the payments key as whatever type each has; the lookup takes the key's own).
  const names = await namesByKey(db, mapping, 'payments', rows.map((r) => r.payment_id));
  return rows.map((r): LedgerEntryRow => ({
    id: r.id, userId: r.user_id, amount: rescale(r.amount, scale), type: r.type,
    paymentId: r.payment_id, paymentName: r.payment_id ? names.get(r.payment_id) ?? null : null, taskId: r.task_id, description: r.description,
    createdAt: r.created_at.toISOString(),
  }));
}

export async function getPayment(db: QueryExecutorProvider, ctx: ReadContext, id: string): Promise<PaymentDetail | null> {
  const { staff, mapping } = ctx;
  assertCan(staff);
  const { payments, ledger } = paymentReadConcepts(mapping);
  const { rows } = await sql<RawPayment>`
    select ${paymentSelect(mapping)} from ${tableOf(payments)} p ${creditJoin(mapping)} where p.${keyOf(payments)} = ${id}`.execute(db);
  if (!rows[0]) return null;
  const payment = toPaymentRow(rows[0], await creditScale(db, mapping), mapping);
  if (!ledger || !hasColumn(ledger, 'paymentId')) return { payment, entries: [], grants: [] };
  // The payment's user's entries that name it (refunds are written to the payment's user), and its
  // purchase entries whoever they credit: both through an index where the product has one (Reigh's
  // session index covers only its purchase rows, so a search by the session alone read all 3.3M
  // ledger rows at 1M users: past the statement timeout).
  // Each search alone, its keys first (an OR, or an ORDER BY ... LIMIT beside it, lets the planner walk
  // the created-at index instead, misjudging how few rows name one session).
  const named = (extra: RawBuilder<unknown>) => sql`
    select e.${keyOf(ledger)} from ${tableOf(ledger)} e where e.${columnOf(ledger, 'paymentId')} = ${id} and ${extra}`;
  const scoped = hasColumn(ledger, 'type') && ledger.types.purchase
    ? sql`l.${keyOf(ledger)} = any(array(${named(sql`e.${columnOf(ledger, 'userId')} = ${payment.userId}`)}
                                          union ${named(sql`e.${columnOf(ledger, 'type')} = ${ledger.types.purchase}`)}))`
    : sql`l.${columnOf(ledger, 'paymentId')} = ${id}`;
  const entries = staff.can('credits.read')
    ? await ledgerEntries(db, mapping, scoped, sql`l.${columnOf(ledger, 'createdAt')}, l.${keyOf(ledger)}`, 100)
    : [];
  return { payment, entries, grants: entries.filter((e) => e.type === ledger.types.purchase) };
}

/**
 * The methods and currencies the filter form offers: the distinct values of a bounded sample (on Reigh's
 * 1.5M checkouts, 50,000 rows each checked for an earlier row of its session took 1.6 s).
 */
export async function paymentFacets(db: QueryExecutorProvider, ctx: ReadContext, sample = 50_000): Promise<{ methods: string[]; currencies: string[] }> {
  assertCan(ctx.staff);
  const { payments } = paymentReadConcepts(ctx.mapping);
  const distinct = async (c: 'method' | 'currency') => {
    if (!hasColumn(payments, c)) return [];
    // A loose index scan would be exact; a bounded sample is enough for a filter's options.
    const { rows } = await sql<{ v: string }>`
      select distinct v from (select ${columnOf(payments, c)}::text as v from ${tableOf(payments)} limit ${sample}) s
       where v is not null order by v limit 50`.execute(db);
    return rows.map((r) => r.v);
  };
  return { methods: await distinct('method'), currencies: (await distinct('currency')).map((c) => c.toUpperCase()) };
}
