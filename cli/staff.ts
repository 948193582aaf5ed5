/**
 * `kontor staff list | add EMAIL --role ROLE`: the first admin of a real database has to come from
 * somewhere; after that, the Staff page manages membership through the guarded-edit kernel.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { STAFF_ROLES } from '@/db/types';
import { out, type Command } from '@/cli/command';

const addArgs = z.object({
  email: z.email({ error: 'give the staff member as an email address of an existing auth user' }),
  role: z.enum(STAFF_ROLES, { error: `--role must be one of ${STAFF_ROLES.join(', ')}` }),
});

export const staffCommand: Command = {
  summary: 'list staff, or `staff add EMAIL --role ROLE` to add the first admin of a database',
  async run({ db, json, args }) {
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
    const roleAt = rest.indexOf('--role');
    const parsed = addArgs.safeParse({ email: rest.find((a, i) => !a.startsWith('--') && i !== roleAt + 1), role: rest[roleAt + 1] });
    if (roleAt < 0 || !parsed.success) {
      const message = parsed.success ? '--role is required' : parsed.error.issues.map((i) => i.message).join('; ');
      console.error(`kontor staff add: ${message}`);
      return 2;
    }
    const { email, role } = parsed.data;
    const user = await sql<{ id: string; email: string }>`
      select id, email from auth.users where lower(email) = lower(${email}) and deleted_at is null`.execute(db);
    if (user.rows.length !== 1) {
      console.error(`kontor staff add: no auth user with the email ${email}: they must sign up (or be invited) in Supabase Auth first`);
      return 1;
    }
    const { id } = user.rows[0];
    await sql`insert into kontor.staff (user_id, email, role) values (${id}, ${user.rows[0].email}, ${role})
              on conflict (user_id) do update set role = excluded.role, updated_at = now()`.execute(db);
    out(json, { ok: true, userId: id, email, role }, `${email} is now ${role}.`);
    return 0;
  },
};
