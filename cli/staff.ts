/**
 * `kontor staff list | add EMAIL --role ROLE [--reason TEXT]`: the first admin of a real database has
 * to come from somewhere; after that, the Staff page manages membership through the guarded-edit
 * kernel. The command writes its own audit row in the same transaction, naming the operating-system
 * account that ran it (there is no staff member behind a shell).
 */
import os from 'node:os';
import { sql } from 'kysely';
import { z } from 'zod';
import { STAFF_ROLES } from '@/db/types';
import { appendAudit } from '@/lib/guard/audit';
import { out, type Command } from '@/cli/command';

/** The actor of edits made from the command line: no auth user, so the nil uuid and the OS account. */
function cliActor() {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers): keep 'unknown'
  }
  return { userId: '00000000-0000-0000-0000-000000000000', email: `cli:${user}@${os.hostname()}`, role: 'admin' as const };
}

const addArgs = z.object({
  email: z.email({ error: 'give the staff member as an email address of an existing auth user' }),
  role: z.enum(STAFF_ROLES, { error: `--role must be one of ${STAFF_ROLES.join(', ')}` }),
  reason: z.string().trim().min(3, { error: '--reason must say why, in a few words' }).max(2000).optional(),
});

export const staffCommand: Command = {
  summary: 'list staff, or `staff add EMAIL --role ROLE [--reason TEXT]` to add the first admin of a database (audited)',
  options: { role: { type: 'string' }, reason: { type: 'string' } },
  async run({ db, json, args, values }) {
    const [sub, ...rest] = args;
    if (sub === 'list' || sub === undefined) {
      const rows = await sql<{ email: string; role: string; created_at: Date }>`
        select email, role, created_at from kontor.staff order by role, email`.execute(db);
      out(json, rows.rows, rows.rows.map((r) => `${r.role.padEnd(9)} ${r.email}`).join('\n') || 'No staff yet.');
      return 0;
    }
    if (sub !== 'add') {
      console.error(`kontor staff: unknown subcommand "${sub}" (list, add)`);
      return 2;
    }
    const parsed = addArgs.safeParse({ email: rest[0], role: values.role, reason: values.reason });
    if (values.role === undefined || !parsed.success) {
      const message = parsed.success ? '--role is required' : parsed.error.issues.map((i) => i.message).join('; ');
      console.error(`kontor staff add: ${message}`);
      return 2;
    }
    const { email, role } = parsed.data;
    const actor = cliActor();
    const reason = parsed.data.reason ?? `Added from the command line (kontor staff add) by ${actor.email}`;
    const done = await db.transaction().execute(async (trx) => {
      const user = await sql<{ id: string; email: string }>`
        select id, email from auth.users where lower(email) = lower(${email}) and deleted_at is null`.execute(trx);
      if (user.rows.length !== 1) return null;
      const { id } = user.rows[0];
      const before = await sql<{ email: string; role: string }>`select email, role from kontor.staff where user_id = ${id} for update`.execute(trx);
      await sql`insert into kontor.staff (user_id, email, role) values (${id}, ${user.rows[0].email}, ${role})
                on conflict (user_id) do update set role = excluded.role, updated_at = now()`.execute(trx);
      await appendAudit(trx, {
        staff: actor,
        capability: 'staff.manage',
        action: before.rows.length ? 'staff.changeRole' : 'staff.add',
        target: { type: 'staff', id },
        before: before.rows[0] ?? null,
        after: { email: user.rows[0].email, role },
        reason,
      });
      return { id };
    });
    if (!done) {
      console.error(`kontor staff add: no auth user with the email ${email}: they must sign up (or be invited) in Supabase Auth first`);
      return 1;
    }
    const { id } = done;
    out(json, { ok: true, userId: id, email, role }, `${email} is now ${role}.`);
    return 0;
  },
};
