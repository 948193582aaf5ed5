/**
 * Payments, tasks and the audit log as CSV (issue 19), from the same URL parameters and read models as
 * their pages (filters, search, sort), without paging, streamed through a server-side cursor and
 * escaped by the finance exports' csvCell (RFC 4180; text a spreadsheet would run as a formula is
 * prefixed with '). Specs live here so that a page and its export parse the URL alike.
 */
import 'server-only';
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import type { Capability } from '@/lib/auth';
import type { ReadContext } from '@/lib/context';
import { parseTableQuery, type SearchParams, type TableSpec } from '@/lib/table-query';
import { first } from '@/lib/format';
import { GuardError } from '@/lib/guard/errors';
import { csvFromCursor, type CsvConnect } from '@/lib/csv';
import { creditScale } from '@/lib/domain/money-sql';
import { canFlag, parsePaymentFilters, paymentsExportQuery, PAYMENT_SORTS, toPaymentRow, type PaymentSort } from '@/lib/domain/payments';
import { parseTaskSearch, taskFilterSchema, tasksExportQuery, toTaskRow, TASK_SORTS, type TaskFilter, type TaskSort } from '@/lib/domain/tasks/list';
import { queueModel } from '@/lib/domain/tasks/model';
import { AUDIT_SORTS, auditExportQuery, auditFilterSchema, toAuditRow } from '@/lib/guard/audit-list';

export const PAYMENTS_SPEC: TableSpec<PaymentSort> = { sortable: PAYMENT_SORTS, defaultSort: { id: 'created', desc: true }, pageSizes: [25, 50, 100] };
export const TASKS_SPEC: TableSpec<TaskSort> = { sortable: TASK_SORTS, defaultSort: { id: 'created', desc: true }, pageSizes: [25, 50, 100] };
export const AUDIT_SPEC: TableSpec<(typeof AUDIT_SORTS)[number]> = { sortable: AUDIT_SORTS, defaultSort: { id: 'at', desc: true }, pageSizes: [25, 50, 100] };

export const LIST_CSVS = ['payments', 'tasks', 'audit'] as const;
export type ListCsv = (typeof LIST_CSVS)[number];
/** The capability each export needs: its page's. */
export const LIST_CSV_CAPABILITY: Record<ListCsv, Capability> = { payments: 'payments.read', tasks: 'tasks.read', audit: 'audit.read' };

/** A datetime-local value (no zone) is taken as UTC, as the task page shows times. */
export const utcInput = (s: string | undefined) => (s && !/[zZ]|[+-]\d\d:\d\d$/.test(s) ? `${s}Z` : s);

/** The task page's filters from the URL: the page and its export read them alike. */
export function taskFilterOf(params: SearchParams): { filter: TaskFilter; dropped: string[] } {
  const raw = Object.fromEntries(['status', 'type', 'worker', 'user', 'from', 'to'].map((k) => [k, first(params[k]) || undefined]));
  const filter = taskFilterSchema.parse(raw);
  const dropped = Object.entries(raw).filter(([k, v]) => v && !filter[k as keyof TaskFilter]).map(([k]) => k);
  return { filter, dropped };
}

/** The page's own query string, for its "Download CSV" link (paging dropped: the export has none). */
export function csvHref(list: ListCsv, params: SearchParams): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const value = first(v);
    if (value !== undefined && k !== 'page' && k !== 'size') qs.set(k, value);
  }
  const s = qs.toString();
  return `/export/${list}${s ? `?${s}` : ''}`;
}

export interface ListCsvContext {
  db: Kysely<KontorDatabase>;
  connect: CsvConnect;
}

export async function listCsv(list: ListCsv, params: SearchParams, ctx: ReadContext, io: ListCsvContext): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  switch (list) {
    case 'payments': {
      const { filters } = parsePaymentFilters(params);
      if (filters.flag && !canFlag(ctx.mapping.ledger)) delete filters.flag;
      const q = parseTableQuery(params, PAYMENTS_SPEC);
      const query = paymentsExportQuery(ctx, filters, { sort: q.sort.id, desc: q.sort.desc }).compile(io.db);
      const scale = await creditScale(io.db, ctx.mapping);
      return {
        filename: 'payments.csv',
        body: csvFromCursor({
          connect: io.connect, query,
          header: ['id', 'created_at', 'user_id', 'email', 'amount', 'currency', 'credits', 'status', 'method', 'provider', 'provider_ref', 'order_id', 'net_grants', 'flag'],
          toCells: (r) => {
            const p = toPaymentRow(r, scale, ctx.mapping);
            return [p.id, p.createdAt, p.userId, p.email, p.amount, p.currency, p.credits, p.status, p.method, p.provider, p.providerRef, p.orderId, p.netGrants, p.flag];
          },
        }),
      };
    }
    case 'tasks': {
      if (!ctx.staff.can('tasks.read')) throw new GuardError('forbidden', 'tasks.read is required to read tasks.');
      const m = queueModel(ctx.mapping);
      const q = parseTableQuery(params, TASKS_SPEC);
      const { filter } = taskFilterOf(params);
      const query = tasksExportQuery(m, {
        filter: { ...filter, from: utcInput(filter.from), to: utcInput(filter.to) }, search: parseTaskSearch(q.q), sort: q.sort.id, desc: q.sort.desc,
      }).compile(io.db);
      return {
        filename: 'tasks.csv',
        body: csvFromCursor({
          connect: io.connect, query,
          header: ['id', 'task_type', 'status', 'user_id', 'worker_id', 'attempts', 'cost', 'created_at', 'updated_at'],
          toCells: (r) => { const t = toTaskRow(m, r); return [t.id, t.taskType, t.status, t.userId, t.workerId, t.attempts, t.cost, t.createdAt, t.updatedAt]; },
        }),
      };
    }
    case 'audit': {
      const q = parseTableQuery(params, AUDIT_SPEC);
      const filter = auditFilterSchema.parse({ staff: first(params.staff), action: first(params.action), target: first(params.target), entry: first(params.entry), from: first(params.from), to: first(params.to) });
      const query = auditExportQuery(ctx.staff, filter, q.sort.desc).compile(io.db);
      return {
        filename: 'audit-log.csv',
        body: csvFromCursor({
          connect: io.connect, query,
          header: ['id', 'at', 'staff_email', 'staff_role', 'action', 'target_type', 'target_id', 'reason', 'changes', 'approval_id'],
          toCells: (r) => {
            const a = toAuditRow(r);
            const changes = a.changes.map((c) => `${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`).join('; ');
            return [a.id, a.at, a.staffEmail, a.staffRole, a.action, a.target.type, a.target.id, a.reason, changes, a.approvalId];
          },
        }),
      };
    }
  }
}
