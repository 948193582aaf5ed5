/** Kontor's staff: the list the Staff page shows (the edits that change it: lib/edits/staff.ts). */
import 'server-only';
import { sql } from 'kysely';
import type { StaffRole, Trx } from '@/db/types';
import { GuardError } from '@/lib/guard/errors';
import type { ReadContext } from '@/lib/context';

export interface StaffRow {
  userId: string;
  email: string;
  role: StaffRole;
  createdAt: string;
}

export const STAFF_SORTS = ['email', 'role', 'created'] as const;
export type StaffSort = (typeof STAFF_SORTS)[number];

const ORDER: Record<StaffSort, string> = { email: 'lower(email)', role: 'role', created: 'created_at' };

export async function listStaff(
  trx: Trx,
  { staff }: ReadContext,
  q: { sort: StaffSort; desc: boolean; limit: number; offset: number; filter: string },
): Promise<{ rows: StaffRow[]; total: number }> {
  if (!staff.can('staff.manage')) throw new GuardError('forbidden', 'staff.manage is required to list staff.');
  const like = `%${q.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await sql<{ user_id: string; email: string; role: StaffRole; created_at: Date; total: string }>`
    select user_id::text, email, role, created_at, count(*) over ()::text as total
      from kontor.staff
     where ${q.filter}::text = '' or email ilike ${like} or role = ${q.filter}
     order by ${sql.raw(ORDER[q.sort])} ${sql.raw(q.desc ? 'desc' : 'asc')}, user_id
     limit ${q.limit} offset ${q.offset}`.execute(trx);
  return {
    rows: rows.map((r) => ({ userId: r.user_id, email: r.email, role: r.role, createdAt: r.created_at.toISOString() })),
    total: Number(rows[0]?.total ?? 0),
  };
}
