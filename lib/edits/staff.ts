/**
 * The three edits that change Kontor's staff (add, change a role, remove). Nobody removes or demotes
 * the last admin: checked inside the edit's transaction with the admin rows locked, so two admins
 * demoting each other at once cannot both succeed.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { STAFF_ROLES, type StaffRole, type Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { GuardError, invalid } from '@/lib/guard/errors';
import { safeText } from '@/lib/guard/text';

const role = z.enum(STAFF_ROLES, { error: `The role must be one of ${STAFF_ROLES.join(', ')}.` });
const userId = z.uuid({ error: 'The staff member is not a valid id.' });

async function staffRow(trx: Trx, id: string) {
  const { rows } = await sql<{ user_id: string; email: string; role: StaffRole; version: string }>`
    select s.user_id::text, s.email, s.role, md5(s::text) as version from kontor.staff s where s.user_id = ${id}`.execute(trx);
  return rows[0];
}

/** Refuses when `leaving` is the only admin; locks the admin rows until the transaction ends. */
async function assertNotLastAdmin(trx: Trx, leaving: string, what: string) {
  const { rows } = await sql<{ user_id: string }>`
    select user_id::text from kontor.staff where role = 'admin' order by user_id for update`.execute(trx);
  if (rows.some((r) => r.user_id === leaving) && rows.length <= 1) {
    throw new GuardError('conflict', `This is the last admin: ${what} would leave Kontor with no one to manage staff. Make someone else admin first.`);
  }
}

export const addStaff = catalogEdit('staff.add', {
  input: z.strictObject({
    email: safeText({ max: 320, label: 'The email' }).pipe(z.email({ error: 'Give the email address of an existing auth user.' })),
    role,
  }),
  async load(trx, input) {
    // to_jsonb(u) reads deleted_at / is_sso_user when auth.users has them (GoTrue's does; a bare one may not).
    const { rows } = await sql<{ id: string; email: string }>`
      select u.id::text, u.email from auth.users u
       where lower(u.email) = lower(${input.email}) and (to_jsonb(u) ->> 'deleted_at') is null
         and coalesce((to_jsonb(u) ->> 'is_sso_user')::boolean, false) = false
       limit 2`.execute(trx);
    if (rows.length !== 1) throw invalid('email', 'No auth user has this email: they must sign up (or be invited) first.');
    const existing = await staffRow(trx, rows[0].id);
    if (existing) throw invalid('email', `${existing.email} is already staff (${existing.role}).`);
    return {
      target: { type: 'staff', id: rows[0].id },
      rows: [{ key: `kontor.staff:${rows[0].id}`, version: 'absent' }],
      before: null,
    };
  },
  async apply(trx, input, loaded, staff) {
    const { rows } = await sql<{ email: string; role: StaffRole }>`
      insert into kontor.staff (user_id, email, role, created_by)
      select u.id, u.email, ${input.role}, ${staff.userId} from auth.users u where u.id = ${loaded.target.id}
      returning email, role`.execute(trx);
    return { after: { email: rows[0].email, role: rows[0].role }, result: { userId: loaded.target.id } };
  },
});

/** A staff member the edit changes, with their row's version. */
async function loadMember(trx: Trx, userId: string) {
  const row = await staffRow(trx, userId);
  if (!row) throw invalid('userId', 'No staff member has this id (removed meanwhile?).');
  return {
    target: { type: 'staff', id: row.user_id },
    rows: [{ key: `kontor.staff:${row.user_id}`, version: row.version }],
    before: { email: row.email, role: row.role },
  };
}

export const changeStaffRole = catalogEdit('staff.changeRole', {
  input: z.strictObject({ userId, role }),
  async load(trx, input) {
    const loaded = await loadMember(trx, input.userId);
    if (loaded.before.role === input.role) throw invalid('role', `${loaded.before.email} is already ${input.role}.`);
    return loaded;
  },
  async apply(trx, input, loaded) {
    const before = loaded.before as { email: string; role: StaffRole };
    if (before.role === 'admin') await assertNotLastAdmin(trx, input.userId, 'demoting them');
    await sql`update kontor.staff set role = ${input.role}, updated_at = now() where user_id = ${input.userId}`.execute(trx);
    return { after: { email: before.email, role: input.role }, result: { userId: input.userId } };
  },
});

export const removeStaff = catalogEdit('staff.remove', {
  input: z.strictObject({ userId }),
  load: (trx, input) => loadMember(trx, input.userId),
  async apply(trx, input, loaded) {
    const before = loaded.before as { email: string; role: StaffRole };
    if (before.role === 'admin') await assertNotLastAdmin(trx, input.userId, 'removing them');
    await sql`delete from kontor.staff where user_id = ${input.userId}`.execute(trx);
    return { after: null, result: { userId: input.userId } };
  },
});

