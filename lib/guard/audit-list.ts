/** The audit log as the Audit page reads it: filtered, paged, newest first; bounded. */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { urlDay, urlText } from '@/lib/filters';
import type { StaffContext } from '@/lib/auth';
import type { Trx } from '@/db/types';
import { computeChanges, type Change } from '@/lib/guard/diff';
import { GuardError } from '@/lib/guard/errors';

export interface AuditRow {
  id: string;
  at: string;
  staffEmail: string;
  staffRole: string;
  action: string;
  target: { type: string; id: string };
  reason: string;
  changes: Change[];
  approvalId: string | null;
}

/** Filters from the URL, validated: anything malformed (a day that is no day, a NUL byte) is dropped, never passed on. */
export const auditFilterSchema = z.object({
  staff: urlText(320),
  action: urlText(100),
  target: z.string().regex(/^[\w.-]{1,40}:[^\s\u0000-\u001f]{1,200}$/).optional().catch(undefined),
  /** One entry by its number (the link an edit's confirmation gives). */
  entry: z.string().regex(/^\d{1,18}$/).optional().catch(undefined),
  from: urlDay,
  to: urlDay,
});

export const AUDIT_FILTER_LABELS = { staff: 'staff email', action: 'action', target: 'target', entry: 'entry', from: 'from', to: 'to' };
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const AUDIT_SORTS = ['at'] as const;

export async function listAudit(
  trx: Trx,
  staff: StaffContext,
  filter: AuditFilter,
  page: { limit: number; offset: number; desc: boolean },
): Promise<{ rows: AuditRow[]; total: number | null }> {
  if (!staff.can('audit.read')) throw new GuardError('forbidden', 'audit.read is required to read the audit log.');
  const where = auditWhere(filter);
  const { rows } = await sql<RawAudit>`
    select ${AUDIT_COLUMNS} from kontor.audit_log where ${where}
     order by audit_log.id ${sql.raw(page.desc ? 'desc' : 'asc')} limit ${page.limit} offset ${page.offset}`.execute(trx);
  // Counting stops at 10,000: past that the pager says "more" instead of a number.
  const counted = await sql<{ n: string }>`
    select count(*)::text as n from (select 1 from kontor.audit_log where ${where} limit 10001) x`.execute(trx);
  const n = Number(counted.rows[0].n);
  return {
    total: n > 10_000 ? null : n,
    rows: rows.map(toAuditRow),
  };
}

export interface RawAudit {
  id: string; at: Date; staff_email: string; staff_role: string; action: string; target_type: string; target_id: string;
  reason: string; before: unknown; after: unknown; approval_id: string | null;
}

const AUDIT_COLUMNS = sql`id::text, at, staff_email, staff_role, action, target_type, target_id, reason, before, after, approval_id::text`;

export function toAuditRow(r: RawAudit): AuditRow {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    staffEmail: r.staff_email,
    staffRole: r.staff_role,
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    reason: r.reason,
    changes: computeChanges(r.before, r.after),
    approvalId: r.approval_id,
  };
}

function auditWhere(filter: AuditFilter) {
  const [targetType, ...rest] = filter.target?.split(':') ?? [];
  const targetId = rest.join(':');
  return sql`
    (${filter.staff ?? null}::text is null or staff_email ilike ${`%${(filter.staff ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`})
    and (${filter.action ?? null}::text is null or action = ${filter.action ?? null} or action like ${`${filter.action ?? ''}.%`})
    and (${targetType ?? null}::text is null or (target_type = ${targetType ?? null} and target_id = ${targetId}))
    and (${filter.from ?? null}::date is null or at >= ${filter.from ?? null}::date)
    and (${filter.to ?? null}::date is null or at < ${filter.to ?? null}::date + 1)`;
}

/** Every entry the filters match, in the page's order, unpaged: the CSV export streams it through a cursor. */
export function auditExportQuery(staff: StaffContext, filter: AuditFilter, desc: boolean) {
  if (!staff.can('audit.read')) throw new GuardError('forbidden', 'audit.read is required to read the audit log.');
  return sql<RawAudit>`select ${AUDIT_COLUMNS} from kontor.audit_log where ${auditWhere(filter)} order by audit_log.id ${sql.raw(desc ? 'desc' : 'asc')}`;
}

/** The actions an audit row can carry, for the filter's choices: each edit, its requests and rejections. */
export function auditActions(editNames: readonly string[]): string[] {
  return editNames.flatMap((n) => [n, `${n}.request`, `${n}.reject`]);
}
