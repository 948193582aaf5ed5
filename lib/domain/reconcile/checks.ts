/**
 * The reconciliation's checks as set-based SQL over the mapped tables. Each takes an optional set of
 * candidate ids: a full run passes none (every row), an incremental run passes the rows that changed
 * since the last run plus the last run's findings, so both apply the very same predicate.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf, taskBillable, type Mapping } from '@/lib/mapping';
import { parseColumn } from '@/lib/mapping/sql';
import type { Trx } from '@/db/types';
import type { DiscrepancyKind, Finding } from '@/lib/domain/reconcile/kinds';
import { compareDecimals, negateDecimal, rescale, subtractDecimals } from '@/lib/money';
import { rawStatuses } from '@/lib/domain/payments-common';
import { creditVerdict, isPurchase, PAID, netGrantsAggregate, type PaymentCreditKind } from '@/lib/domain/payment-credit';

export type Concepts = ReturnType<typeof financeConcepts>;

/** What a reconciliation needs from the mapping; what it lacks turns checks off (named in the run). */
export function financeConcepts(mapping: Mapping) {
  const { users, ledger, payments, tasks, taskCostConfigs } = mapping;
  if (!users || !ledger) throw new Error('Reconciliation needs the users and ledger concepts in the table mapping.');
  const typed = hasColumn(ledger, 'type');
  const paid = payments ? rawStatuses(payments, PAID) : [];
  return {
    users,
    ledger,
    payments: payments && typed && ledger.types.purchase && hasColumn(ledger, 'paymentId') && payments.statuses.completed ? payments : undefined,
    tasks: tasks && typed && ledger.types.spend && hasColumn(ledger, 'taskId') && tasks.statuses.complete ? tasks : undefined,
    taskCostConfigs: tasks && hasColumn(tasks, 'taskType') ? taskCostConfigs : undefined,
    paid,
  };
}

/** The catalog type of a concept's key, for typed `= any($1::type[])` lookups that can use its index. */
export async function keyType(trx: Trx, table: { schema: string; name: string }, column: string): Promise<RawBuilder<unknown>> {
  const { rows } = await sql<{ t: string }>`
    select format_type(a.atttypid, null) as t
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on c.oid = a.attrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${table.schema} and c.relname = ${table.name} and a.attname = ${column}`.execute(trx);
  const t = rows[0]?.t ?? 'text';
  if (!/^[a-z][a-z0-9 _]*$/.test(t)) throw new Error(`Unexpected key type ${t}`);
  return sql.raw(t);
}

/**
 * One of two halves of a key's range: `below` holds the keys under `mid` (and nulls), the other the
 * rest. A full run sums the ledger's accounts this way: each half's hash table is half the size (far
 * fewer cache misses, and no partial-and-final aggregation), and the halves run side by side (a
 * Parallel Append). The checks are not split: each half would scan the whole payments or tasks table
 * again, which costs more than the smaller tables save (measured).
 */
export interface Half {
  mid: string;
  below: boolean;
  /** The key's catalog type (keyType()). */
  type: RawBuilder<unknown>;
}

/** The predicate that keeps `column`'s values in `half` (every row when there is no half). */
export function inHalf(column: RawBuilder<unknown>, half?: Half): RawBuilder<unknown> {
  if (!half) return sql`true`;
  return half.below
    ? sql`(${column} < ${half.mid}::${half.type} or ${column} is null)`
    : sql`${column} >= ${half.mid}::${half.type}`;
}

/**
 * A value of `column` that splits `table`'s rows in two about equal halves: the median of a sample
 * (sampleQuantiles). Null when the table is too small to be worth splitting or the sample is empty.
 */
export async function splitKey(trx: Trx, table: { schema: string; name: string }, column: string, minRows = 200_000): Promise<string | null> {
  return (await sampleQuantiles(trx, table, column, 2, minRows))?.[0] ?? null;
}

/**
 * The values of `column` that cut `table`'s rows in `parts` about equal parts (sorted, distinct, as
 * text): quantiles of a sample of about 50,000 rows, a few milliseconds at any size and for any key
 * type. Null when the table has fewer than `minRows` rows (the catalog's estimate) or the sample
 * holds no value.
 */
export async function sampleQuantiles(
  trx: Trx, table: { schema: string; name: string }, column: string, parts: number, minRows: number,
): Promise<string[] | null> {
  // A JSON field or constant (a derived concept's key) is not sampled: its check runs whole.
  if (parseColumn(column).kind !== 'column') return null;
  const est = await estimatedRows(trx, table);
  if (est < minRows) return null;
  const percent = Math.min(100, Math.max(0.1, (50_000 / Math.max(est, 1)) * 100));
  const fractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts);
  const col = sql.id(column);
  const { rows: [r] } = await sql<{ q: string[] | null }>`
    select array(select distinct x from unnest(s.p) x order by x)::text[] as q
      from (select percentile_disc(${fractions}::float8[]) within group (order by ${col}) as p
              from ${sql.id(table.schema, table.name)} tablesample system (${percent}) where ${col} is not null) s`.execute(trx);
  return r?.q?.length ? r.q : null;
}

/** The catalog's estimate of a table's rows (0 when never analyzed). */
async function estimatedRows(trx: Trx, table: { schema: string; name: string }): Promise<number> {
  const { rows: [est] } = await sql<{ n: number }>`
    select greatest(c.reltuples, 0)::float8 as n from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
     where ns.nspname = ${table.schema} and c.relname = ${table.name}`.execute(trx);
  return est?.n ?? 0;
}

/** Both halves of a split, or one "half" (undefined: everything) when there is no split. */
export function halves(mid: string | null, type: RawBuilder<unknown>): (Half | undefined)[] {
  return mid === null ? [undefined] : [{ mid, below: true, type }, { mid, below: false, type }];
}

const row = (kind: DiscrepancyKind, f: Partial<Finding> & { detail: string }): Finding => ({
  kind, userId: null, paymentId: null, taskId: null, entryIds: [], expected: null, actual: null, ...f,
});

/**
 * Balance checks over `accounts` (a relation: account in the users key's type, total numeric, entries
 * bigint). `candidates`: the user keys (as text) to look at, when `accounts` holds only those; or all.
 */
export async function balanceFindings(trx: Trx, c: Concepts, accounts: RawBuilder<unknown>, candidates?: string[]): Promise<Finding[]> {
  const { users, ledger } = c;
  const uKey = candidates ? await keyType(trx, users.table, users.key) : undefined;
  const usersRel = candidates
    ? sql`(select * from ${tableOf(users)} where ${keyOf(users)} = any(${candidates}::text[]::${uKey}[]))`
    : tableOf(users);
  const credits = hasColumn(users, 'credits');
  const cached = credits ? sql`u.${columnOf(users, 'credits')}` : sql`null::numeric`;
  const { rows } = await sql<{ user_id: string | null; account: string | null; cached: string | null; total: string; entries: string }>`
    with a as (${accounts})
    select u.${keyOf(users)}::text as user_id, a.account::text as account, ${cached}::text as cached,
           coalesce(a.total, 0)::text as total, coalesce(a.entries, 0)::text as entries
      from ${usersRel} u full join a on a.account = u.${keyOf(users)}
     where (u.${keyOf(users)} is null and a.entries > 0)
        or (u.${keyOf(users)} is not null and (coalesce(a.total, 0) < 0 ${credits ? sql`or ${cached} <> coalesce(a.total, 0)` : sql``}))`.execute(trx);
  const out: Finding[] = [];
  const deleted = rows.filter((r) => r.user_id === null).map((r) => r.account!);
  const entries = new Map<string, string[]>();
  if (deleted.length) {
    const { rows: e } = await sql<{ account: string; ids: string[] }>`
      select l.${columnOf(ledger, 'userId')}::text as account,
             (array_agg(l.${keyOf(ledger)}::text order by l.${columnOf(ledger, 'createdAt')}, l.${keyOf(ledger)}))[1:50] as ids
        from ${tableOf(ledger)} l where l.${columnOf(ledger, 'userId')} = any(${deleted}::text[]::${await keyType(trx, ledger.table, ledger.columns.userId)}[])
       group by 1`.execute(trx);
    for (const r of e) entries.set(r.account, r.ids);
  }
  for (const r of rows) {
    if (r.user_id === null) {
      out.push(row('ledger_of_deleted_user', {
        userId: r.account, entryIds: entries.get(r.account!) ?? [], actual: r.total,
        detail: `${r.entries} ledger entries (sum ${r.total}) belong to a user that no longer exists.`,
      }));
      continue;
    }
    if (r.cached !== null && compareDecimals(r.cached, r.total) !== 0) {
      out.push(row('balance_drift', {
        userId: r.user_id, expected: r.total, actual: r.cached,
        detail: `Cached balance ${r.cached}, ledger sum ${r.total} (drift ${subtractDecimals(r.cached, r.total)}).`,
      }));
    }
    if (compareDecimals(r.total, '0') < 0) {
      out.push(row('negative_balance', { userId: r.user_id, expected: '0', actual: r.total, detail: `The ledger sum is ${r.total}.` }));
    }
  }
  return out;
}

/**
 * Payments against their purchase entries, judged by creditVerdict (payment-credit.ts: the payment
 * pages use the same). `candidates`: payment keys (as text) to look at, or all.
 */
export async function paymentFindings(trx: Trx, c: Concepts, candidates?: string[]): Promise<Finding[]> {
  const { payments, ledger } = c;
  if (!payments) return [];
  const pKey = await keyType(trx, payments.table, payments.key);
  const lp = columnOf(ledger, 'paymentId', 'l');
  const only = candidates ? sql`and ${lp} = any(${candidates}::text[]::${pKey}[])` : sql``;
  const onlyP = candidates ? sql`and p.${keyOf(payments)} = any(${candidates}::text[]::${pKey}[])` : sql``;
  const credits = hasColumn(payments, 'credits') ? sql`p.${columnOf(payments, 'credits')}::text` : sql`null::text`;
  const verdict = creditVerdict(payments, {
    exists: sql`(p.${keyOf(payments)} is not null)`, status: sql`p.${columnOf(payments, 'status')}`, net: sql`g.net`,
  });
  const { rows } = await sql<{
    payment_id: string | null; pid: string | null; user_id: string | null; status: string | null;
    credits: string | null; net: number | null; credited: string | null; kind: PaymentCreditKind;
  }>`
    with g as (
      select ${lp} as pid, ${netGrantsAggregate(ledger)} as net, sum(l.${columnOf(ledger, 'amount')}) as credited
        from ${tableOf(ledger)} l
       where ${isPurchase(ledger)} and ${lp} is not null ${only}
       group by ${lp}
    ), p as (
      select p.* from ${tableOf(payments)} p where true ${onlyP}
    )
    select * from (
      select p.${keyOf(payments)}::text as payment_id, g.pid::text as pid, p.${columnOf(payments, 'userId')}::text as user_id,
             p.${columnOf(payments, 'status')}::text as status, ${credits} as credits, g.net, g.credited::text as credited,
             ${verdict} as kind
        from p full join g on g.pid = p.${keyOf(payments)}
    ) j where kind is not null`.execute(trx);
  const ids = await entryIds(trx, c, 'paymentId', ledger.types.purchase!, pKey, rows.flatMap((r) => (r.pid ? [r.pid] : [])));
  return rows.map((r) => {
    const id = r.payment_id ?? r.pid!;
    const base = { paymentId: id, userId: r.user_id ?? (r.pid && ids.get(r.pid)?.userId) ?? null, entryIds: (r.pid && ids.get(r.pid)?.ids) || [] };
    if (r.kind === 'payment_without_grant') {
      return row(r.kind, { ...base, expected: r.credits, actual: r.credited ?? '0', detail: `Payment ${r.status}; no purchase entry grants its credits.` });
    }
    if (r.kind === 'payment_granted_twice') {
      return row(r.kind, { ...base, expected: r.credits, actual: r.credited, detail: `Granted ${r.net} times (${r.credited} credits in all).` });
    }
    return row(r.kind, {
      ...base, expected: '0', actual: r.credited,
      detail: r.payment_id ? `Credits granted for a payment that is ${r.status}.` : 'Credits granted for a payment that does not exist.',
    });
  });
}

/**
 * Whether task `t` is billable: its type's flag, and the product's rule (a sub-task paid by its
 * parent, per-period billing). The cost configs are a handful of rows: their non-billable types are
 * read once and matched as a list, rather than joined to every task.
 */
export async function billableTask(trx: Trx, c: Concepts): Promise<RawBuilder<unknown>> {
  const { tasks, taskCostConfigs: cfg } = c;
  let byType = sql`true`;
  if (cfg && hasColumn(cfg, 'billable')) {
    const { rows: [nb] } = await sql<{ types: string[] }>`
      select coalesce(array_agg(distinct ${columnOf(cfg, 'taskType')}::text), '{}') as types
        from ${tableOf(cfg)} where ${columnOf(cfg, 'billable')} = false`.execute(trx);
    if (nb.types.length) byType = sql`coalesce(t.${columnOf(tasks!, 'taskType')}::text <> all(${nb.types}::text[]), true)`;
  }
  return sql`(${byType} and ${taskBillable(tasks!, 't')})`;
}

/** Tasks against their spend entries. `candidates`: task keys (as text), or all. */
export async function taskFindings(trx: Trx, c: Concepts, candidates?: string[]): Promise<Finding[]> {
  const { tasks, ledger } = c;
  if (!tasks) return [];
  const tKey = await keyType(trx, tasks.table, tasks.key);
  const lt = columnOf(ledger, 'taskId', 'l');
  const only = candidates ? sql`and ${lt} = any(${candidates}::text[]::${tKey}[])` : sql``;
  const onlyT = candidates ? sql`and t.${keyOf(tasks)} = any(${candidates}::text[]::${tKey}[])` : sql``;
  const st = tasks.statuses;
  const unpaid = (['failed', 'cancelled'] as const).filter((s) => !tasks.chargedWhen.includes(s)).map((s) => st[s])
    .filter((s): s is string => Boolean(s));
  const cost = hasColumn(tasks, 'cost') ? sql`coalesce(t.${columnOf(tasks, 'cost')}, 0)` : sql`null::numeric`;
  const billable = await billableTask(trx, c);
  // A refund that names the task nets its charge: a failed task charged and refunded is settled.
  const taskTypes = [ledger.types.spend!, ledger.types.refund].filter((x): x is string => Boolean(x));
  const userId = hasColumn(tasks, 'userId') ? sql`t.${columnOf(tasks, 'userId')}::text` : sql`null::text`;
  const { rows } = await sql<{
    task_id: string; user_id: string | null; status: string; cost: string | null; billable: boolean; spent: string; charged: boolean; charges: number;
  }>`
    with s as (
      select ${lt} as tid, sum(l.${columnOf(ledger, 'amount')}) as spent,
             count(*) filter (where l.${columnOf(ledger, 'amount')} < 0) - count(*) filter (where l.${columnOf(ledger, 'amount')} > 0) as charges
        from ${tableOf(ledger)} l
       where l.${columnOf(ledger, 'type')}::text = any(${taskTypes}::text[]) and ${lt} is not null ${only}
       group by ${lt}
    ), t as (
      select t.*, ${billable} as billable_, ${cost} as cost_
        from ${tableOf(tasks)} t where true ${onlyT}
    )
    select t.${keyOf(tasks)}::text as task_id, ${userId} as user_id, t.${columnOf(tasks, 'status')}::text as status,
           t.cost_::text as cost, t.billable_ as billable, coalesce(s.spent, 0)::text as spent, s.tid is not null as charged,
           coalesce(s.charges, 0)::int as charges
      from t left join s on s.tid = t.${keyOf(tasks)}
     where (t.${columnOf(tasks, 'status')} = ${st.complete!} and t.billable_ and coalesce(t.cost_, 1) > 0 and coalesce(s.spent, 0) = 0)
        or (t.${columnOf(tasks, 'status')}::text = any(${unpaid}::text[]) and coalesce(s.spent, 0) < 0)
        or (t.${columnOf(tasks, 'status')} = ${st.complete!} and coalesce(s.spent, 0) <> 0 and t.cost_ is not null
            and -s.spent <> case when t.billable_ then t.cost_ else 0 end)
        -- Without a cost to compare with: charged twice (a retried completion), i.e. two debits more than credits.
        or (t.${columnOf(tasks, 'status')} = ${st.complete!} and t.cost_ is null and coalesce(s.charges, 0) > 1)`.execute(trx);
  const ids = await entryIds(trx, c, 'taskId', ledger.types.spend!, tKey, rows.filter((r) => r.charged).map((r) => r.task_id));
  return rows.map((r) => {
    const e = ids.get(r.task_id);
    const base = { taskId: r.task_id, userId: r.user_id ?? e?.userId ?? null, entryIds: e?.ids ?? [], actual: rescale(negateDecimal(r.spent), 2) };
    // Exact, at least 2 decimals (a numeric(10,3) ledger keeps its third).
    const expected = r.cost === null ? null : r.billable ? rescale(r.cost, 2) : '0.00';
    if (r.status === st.complete && compareDecimals(r.spent, '0') === 0) {
      return row('completed_task_not_charged', { ...base, expected, detail: `Complete and billable (cost ${r.cost}); nothing was charged.` });
    }
    if (r.status !== st.complete) {
      return row('failed_task_charged', { ...base, expected: '0.00', detail: `${r.status}, yet charged ${base.actual} credits.` });
    }
    if (r.cost === null) {
      return row('spend_differs_from_cost', { ...base, expected, detail: `Charged ${r.charges} times (${base.actual} credits in all); a task is charged once.` });
    }
    return row('spend_differs_from_cost', { ...base, expected, detail: `Charged ${base.actual} credits; the task's cost is ${expected}.` });
  });
}

/**
 * The first 50 entries (oldest first) of type `type` that point at each of `keys` through `column`, and
 * their user. Fetched for the findings only: ordering (and text) inside the checks' aggregates costs
 * a sort (and a conversion) of every ledger row.
 */
async function entryIds(trx: Trx, c: Concepts, column: 'paymentId' | 'taskId', type: string, keyType: RawBuilder<unknown>, keys: string[]) {
  const out = new Map<string, { ids: string[]; userId: string | null }>();
  if (!keys.length) return out;
  const { ledger } = c;
  const ref = columnOf(ledger, column, 'l');
  const { rows } = await sql<{ ref: string; ids: string[]; user_id: string | null }>`
    select ${ref}::text as ref, min(l.${columnOf(ledger, 'userId')}::text) as user_id,
           (array_agg(l.${keyOf(ledger)}::text order by l.${columnOf(ledger, 'createdAt')}, l.${keyOf(ledger)}))[1:50] as ids
      from ${tableOf(ledger)} l
     where l.${columnOf(ledger, 'type')} = ${type} and ${ref} = any(${keys}::text[]::${keyType}[])
     group by ${ref}`.execute(trx);
  for (const r of rows) out.set(r.ref, { ids: r.ids, userId: r.user_id });
  return out;
}
