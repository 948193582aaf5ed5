/**
 * The task list (filters, search, server-side sort and paging) and one task's detail with its
 * timeline and the ledger entries it caused. Search takes a task id (exact) or `key=value` inside
 * params (jsonb containment, which a GIN index on params serves); free text over all params would
 * scan the table, so it is refused with a hint.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { at, joinWorker, queueModel, queueNow, rawStatus, stateOf, statusIn, taskKey, taskTable, tcol, type QueueModel, type TaskState } from '@/lib/domain/tasks/model';
import { orphanedSql, taskActions, type TaskActions } from '@/lib/domain/tasks/actions';
import { createdOrderHint, createdOrderPlan, presentStatuses } from '@/lib/domain/tasks/list-order';
import { columnOf, hasColumn, tableOf, type Mapping } from '@/lib/mapping';
import { anyRowKey, looksLikeUuid } from '@/lib/mapping/keys';
import { addDecimals, rescale } from '@/lib/money';
import { indexHints, type ScanHint } from '@/lib/domain/reconcile/hints';

export const TASK_SORTS = ['created', 'updated', 'type', 'status', 'cost', 'attempts'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

const TASK_STATES = ['queued', 'inProgress', 'complete', 'failed', 'cancelled'] as const satisfies readonly TaskState[];

/** The list's filters as they come from the URL: each one validated, unknown values dropped with a message. */
export const taskFilterSchema = z.object({
  status: z.enum(TASK_STATES).optional().catch(undefined),
  type: z.string().trim().min(1).max(100).optional().catch(undefined),
  worker: z.string().trim().min(1).max(200).optional().catch(undefined),
  user: anyRowKey.optional().catch(undefined),
  from: z.iso.datetime({ offset: true, local: true }).optional().catch(undefined),
  to: z.iso.datetime({ offset: true, local: true }).optional().catch(undefined),
});
export type TaskFilter = z.infer<typeof taskFilterSchema>;

export type TaskSearch = { kind: 'none' } | { kind: 'id'; id: string } | { kind: 'param'; key: string; value: string } | { kind: 'invalid'; message: string };

export function parseTaskSearch(q: string): TaskSearch {
  const text = q.trim();
  if (!text) return { kind: 'none' };
  if (looksLikeUuid(text) || /^\d{1,19}$/.test(text)) return { kind: 'id', id: text.toLowerCase() };
  const m = text.match(/^([\w.-]{1,64})\s*[=:]\s*(.{1,200})$/u);
  if (m) return { kind: 'param', key: m[1], value: m[2].trim().replace(/^"(.*)"$/u, '$1') };
  return { kind: 'invalid', message: 'Search by a task id, or by a value inside params as key=value (e.g. model=flux-dev).' };
}

export interface TaskRow {
  id: string;
  taskType: string | null;
  status: string;
  state: TaskState | null;
  userId: string | null;
  workerId: string | null;
  attempts: number | null;
  cost: string | null;
  createdAt: string;
  updatedAt: string | null;
}

function orderBy(m: QueueModel, sort: TaskSort): RawBuilder<unknown> {
  switch (sort) {
    case 'created': return tcol(m, 'createdAt');
    case 'updated': return tcol(m, 'updatedAt', 't', tcol(m, 'createdAt'));
    case 'type': return tcol(m, 'taskType');
    case 'status': return columnOf(m.tasks, 'status', 't');
    case 'cost': return tcol(m, 'cost');
    case 'attempts': return tcol(m, 'attempts');
  }
}

function paramMatch(m: QueueModel, key: string, value: string): RawBuilder<unknown> {
  if (!hasColumn(m.tasks, 'params')) return sql`false`;
  // The value as a JSON string, and as a number or boolean when it reads as one.
  const candidates = [JSON.stringify({ [key]: value })];
  if (/^-?\d{1,15}(\.\d{1,6})?$/.test(value)) candidates.push(JSON.stringify({ [key]: Number(value) }));
  if (value === 'true' || value === 'false') candidates.push(JSON.stringify({ [key]: value === 'true' }));
  return sql`(${sql.join(candidates.map((c) => sql`${columnOf(m.tasks, 'params', 't')} @> ${c}::jsonb`), sql` or `)})`;
}

export function taskWhere(m: QueueModel, filter: TaskFilter, search: TaskSearch): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (filter.status) parts.push(statusIn(m, [filter.status]));
  if (filter.type) parts.push(sql`${tcol(m, 'taskType')} = ${filter.type}`);
  if (filter.worker) parts.push(sql`${tcol(m, 'workerId')} = ${filter.worker}`);
  if (filter.user) parts.push(sql`${tcol(m, 'userId')} = ${filter.user}`);
  if (filter.from) parts.push(sql`${tcol(m, 'createdAt')} >= ${filter.from}::timestamptz`);
  if (filter.to) parts.push(sql`${tcol(m, 'createdAt')} < ${filter.to}::timestamptz`);
  if (search.kind === 'id') parts.push(sql`${taskKey(m)} = ${search.id}`);
  if (search.kind === 'param') parts.push(paramMatch(m, search.key, search.value));
  if (search.kind === 'invalid') parts.push(sql`false`);
  return sql.join(parts, sql` and `);
}

/**
 * One page of tasks. The total is not counted (a count over millions of rows on every page view
 * would cost more than the page): `hasMore` says whether a next page exists.
 */
export async function listTasks(
  db: QueryExecutorProvider,
  mapping: Mapping,
  q: { filter: TaskFilter; search: TaskSearch; sort: TaskSort; desc: boolean; limit: number; offset: number },
): Promise<{ rows: TaskRow[]; hasMore: boolean; indexHint: string | null }> {
  const m = queueModel(mapping);
  let indexHint: string | null = null;
  let dir = sql.raw(q.desc ? 'desc nulls last' : 'asc nulls first');
  const where = taskWhere(m, q.filter, q.search);
  const columns = taskColumns(m);
  let statement = sql`
    select ${columns} from ${taskTable(m)} t where ${where}
     order by ${orderBy(m, q.sort)} ${dir}, ${taskKey(m)} ${dir}
     limit ${q.limit + 1} offset ${q.offset}`;
  if (q.sort === 'created' && q.search.kind !== 'id') {
    // See list-order.ts: the same rows in the same order, read through an index where one fits.
    const plan = await createdOrderPlan(db, m);
    indexHint = createdOrderHint(m, plan);
    if (plan.notNull) dir = sql.raw(q.desc ? 'desc' : 'asc');
    const key = sql.raw(q.desc ? 'desc nulls last' : 'asc nulls first');
    if (plan.notNull && !plan.createdIndex && plan.statusCreatedIndex) {
      const present = await presentStatuses(db, m);
      const wanted = q.filter.status ? [rawStatus(m, q.filter.status)].filter((v): v is string => v !== null && present.values.includes(v)) : present.values;
      const status = columnOf(m.tasks, 'status', 't');
      const branches = [
        ...wanted.map((v) => sql`(select ${columns}, ${taskKey(m)} as sort_key from ${taskTable(m)} t where ${status} = ${v} and ${where}
            order by ${tcol(m, 'createdAt')} ${dir}, ${taskKey(m)} ${key} limit ${q.limit + 1 + q.offset})`),
        ...(present.hasNull && !q.filter.status ? [sql`(select ${columns}, ${taskKey(m)} as sort_key from ${taskTable(m)} t where ${status} is null and ${where}
            order by ${tcol(m, 'createdAt')} ${dir}, ${taskKey(m)} ${key} limit ${q.limit + 1 + q.offset})`] : []),
      ];
      statement = branches.length
        ? sql`select * from (${sql.join(branches, sql` union all `)}) x order by created_at ${dir}, sort_key ${key} limit ${q.limit + 1} offset ${q.offset}`
        : sql`select ${columns} from ${taskTable(m)} t where false`;
    } else if (plan.notNull) {
      statement = sql`
        select ${columns} from ${taskTable(m)} t where ${where}
         order by ${tcol(m, 'createdAt')} ${dir}, ${taskKey(m)} ${key}
         limit ${q.limit + 1} offset ${q.offset}`;
    } else if (plan.createdIndex) {
      // A nullable created_at (the story app's api_cost_logs): the dated rows in the index's own null
      // order (a btree's default, either direction: the same rows, none being null), then the undated
      // ones (an IS NULL range of the same index), merged in the list's order.
      const created = tcol(m, 'createdAt');
      const native = sql.raw(q.desc ? 'desc nulls first' : 'asc nulls last');
      const n = q.limit + 1 + q.offset;
      statement = sql`
        select * from (
          (select ${columns}, ${taskKey(m)} as sort_key from ${taskTable(m)} t where ${where} and ${created} is not null
            order by ${created} ${native}, ${taskKey(m)} ${key} limit ${n})
          union all
          (select ${columns}, ${taskKey(m)} as sort_key from ${taskTable(m)} t where ${where} and ${created} is null
            order by ${taskKey(m)} ${key} limit ${n})
        ) x order by created_at ${key}, sort_key ${key} limit ${q.limit + 1} offset ${q.offset}`;
    }
  }
  const { rows } = await statement.execute(db) as { rows: RawTask[] };
  return { hasMore: rows.length > q.limit, indexHint, rows: rows.slice(0, q.limit).map((r) => toTaskRow(m, r)) };
}

export interface RawTask {
  id: string; task_type: string | null; status: string; user_id: string | null; worker_id: string | null;
  attempts: number | null; cost: string | null; created_at: Date; updated_at: Date | null;
}

export function toTaskRow(m: QueueModel, r: RawTask): TaskRow {
  return {
    id: r.id, taskType: r.task_type, status: r.status, state: stateOf(m, r.status), userId: r.user_id, workerId: r.worker_id,
    attempts: r.attempts, cost: r.cost, createdAt: new Date(r.created_at).toISOString(),
    updatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null,
  };
}

/**
 * Every task the filters and search match, in the list's order, unpaged: the CSV export streams it
 * through a cursor (the plain order; listTasks' index-shaped variants return the same rows in it).
 */
export function tasksExportQuery(m: QueueModel, q: { filter: TaskFilter; search: TaskSearch; sort: TaskSort; desc: boolean }) {
  const dir = sql.raw(q.desc ? 'desc nulls last' : 'asc nulls first');
  return sql<RawTask>`
    select ${taskColumns(m)} from ${taskTable(m)} t where ${taskWhere(m, q.filter, q.search)}
     order by ${orderBy(m, q.sort)} ${dir}, ${taskKey(m)} ${dir}`;
}

function taskColumns(m: QueueModel) {
  return sql`${taskKey(m)}::text as id, ${tcol(m, 'taskType')}::text as task_type, ${columnOf(m.tasks, 'status', 't')}::text as status,
           ${tcol(m, 'userId')}::text as user_id, ${tcol(m, 'workerId')}::text as worker_id, ${tcol(m, 'attempts')}::int as attempts,
           ${tcol(m, 'cost')}::text as cost, ${tcol(m, 'createdAt')} as created_at, ${tcol(m, 'updatedAt')} as updated_at`;
}

/** The distinct task types, for the filter's choices (from the cost configuration when mapped). */
export async function listTaskTypes(db: QueryExecutorProvider, mapping: Mapping): Promise<string[]> {
  const m = queueModel(mapping);
  if (m.costs) {
    const { rows } = await sql<{ t: string }>`select ${columnOf(m.costs, 'taskType')}::text as t from ${tableOf(m.costs)} order by 1 limit 200`.execute(db);
    if (rows.length) return rows.map((r) => r.t);
  }
  if (!hasColumn(m.tasks, 'taskType')) return [];
  // A loose index scan would be faster on huge tables; types are few, and this runs on the list page only.
  const { rows } = await sql<{ t: string }>`
    select distinct ${tcol(m, 'taskType')}::text as t from ${taskTable(m)} t where ${statusIn(m, ['queued', 'inProgress'])} order by 1 limit 200`.execute(db);
  return rows.map((r) => r.t);
}

export interface LedgerEntry {
  id: string;
  type: string | null;
  amount: string;
  description: string | null;
  createdAt: string;
}

export interface TaskDetail extends TaskRow {
  params: unknown;
  errorMessage: string | null;
  startedAt: string | null;
  processedAt: string | null;
  /** Seconds; null until known. */
  waitSeconds: number | null;
  runSeconds: number | null;
  ledger: LedgerEntry[];
  /** Set when only the task's user's entries were searched: the index that would find every entry naming the task. */
  ledgerHint: ScanHint | null;
  /** Net of the ledger entries (negative: the user was debited). */
  charged: string;
  billable: boolean | null;
  /** What may be done with it now (lib/domain/tasks/actions.ts). */
  actions: TaskActions;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export async function getTask(db: QueryExecutorProvider, mapping: Mapping, id: string): Promise<TaskDetail | null> {
  const m = queueModel(mapping);
  const { rows } = await sql<{
    id: string; task_type: string | null; status: string; user_id: string | null; worker_id: string | null; attempts: number | null;
    cost: string | null; created_at: Date; updated_at: Date | null; params: unknown; error_message: string | null;
    started_at: Date | null; processed_at: Date | null; orphaned: boolean;
  }>`
    select ${taskKey(m)}::text as id, ${tcol(m, 'taskType')}::text as task_type, ${columnOf(m.tasks, 'status', 't')}::text as status,
           ${tcol(m, 'userId')}::text as user_id, ${tcol(m, 'workerId')}::text as worker_id, ${tcol(m, 'attempts')}::int as attempts,
           ${tcol(m, 'cost')}::text as cost, ${tcol(m, 'createdAt')} as created_at, ${tcol(m, 'updatedAt')} as updated_at,
           ${hasColumn(m.tasks, 'params') ? sql`to_jsonb(${columnOf(m.tasks, 'params', 't')})` : sql`null::jsonb`} as params, ${tcol(m, 'errorMessage')}::text as error_message,
           ${tcol(m, 'startedAt')} as started_at, ${tcol(m, 'processedAt')} as processed_at,
           ${orphanedSql(m, at(await queueNow(db)))} as orphaned
      from ${taskTable(m)} t ${joinWorker(m)} where ${taskKey(m)} = ${id} limit 1`.execute(db);
  const r = rows[0];
  if (!r) return null;
  let ledger: LedgerEntry[] = [];
  let ledgerHint: ScanHint | null = null;
  const l = m.ledger;
  if (l && hasColumn(l, 'taskId')) {
    const col = (c: 'type' | 'description') => (hasColumn(l, c) ? sql`${columnOf(l, c, 'l')}::text` : sql`null::text`);
    // Without an index led by the ledger's task column, finding a task's entries reads the whole ledger
    // (Reigh at 1M users: 3.3M rows, 1-2 s): then only its user's entries are searched (their index),
    // and the page says so and which index would find them all.
    ledgerHint = (await indexHints(db, [{ table: l.table, column: l.columns.taskId! }]))[0] ?? null;
    const ofUser = ledgerHint ? (r.user_id === null ? sql`false and ` : sql`${columnOf(l, 'userId', 'l')} = ${r.user_id} and `) : sql``;
    const { rows: entries } = await sql<{ id: string; type: string | null; amount: string; description: string | null; created_at: Date }>`
      select ${sql.id('l', l.key)}::text as id, ${col('type')} as type, ${columnOf(l, 'amount', 'l')}::text as amount,
             ${col('description')} as description, ${columnOf(l, 'createdAt', 'l')} as created_at
        from ${tableOf(l)} l where ${ofUser}${columnOf(l, 'taskId', 'l')} = ${id}
       order by ${columnOf(l, 'createdAt', 'l')} limit 100`.execute(db);
    ledger = entries.map((e) => ({ id: e.id, type: e.type, amount: e.amount, description: e.description, createdAt: new Date(e.created_at).toISOString() }));
  }
  let billable: boolean | null = null;
  if (m.costs && hasColumn(m.costs, 'billable') && r.task_type) {
    const { rows: c } = await sql<{ b: boolean }>`
      select ${columnOf(m.costs, 'billable')} as b from ${tableOf(m.costs)} where ${columnOf(m.costs, 'taskType')}::text = ${r.task_type} limit 1`.execute(db);
    billable = c[0]?.b ?? null;
  }
  const secs = (a: Date | null, b: Date | null) => (a && b ? Math.round((new Date(a).getTime() - new Date(b).getTime()) / 100) / 10 : null);
  return {
    id: r.id, taskType: r.task_type, status: r.status, state: stateOf(m, r.status), userId: r.user_id, workerId: r.worker_id,
    attempts: r.attempts, cost: r.cost, createdAt: new Date(r.created_at).toISOString(), updatedAt: iso(r.updated_at),
    params: r.params, errorMessage: r.error_message, startedAt: iso(r.started_at), processedAt: iso(r.processed_at),
    waitSeconds: secs(r.started_at, r.created_at), runSeconds: secs(r.processed_at, r.started_at),
    ledger, ledgerHint, charged: rescale(addDecimals('0', ...ledger.map((e) => e.amount)), 2), billable,
    actions: taskActions(m, r.status, r.orphaned),
  };
}
