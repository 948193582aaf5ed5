/**
 * Suppressing an advisor finding (for one object, or the whole advisor) and ending a suppression
 * early: two guarded edits, so each is previewed, given a reason and kept in the audit log. A
 * suppression hides a finding until its expiry, after which runAdvisors shows it again by itself.
 *
 * Capability: database.read (engineers and admins; the permission table has no narrower write
 * capability for advisors), and security.read on top for a security advisor, as for reading it.
 * The suppression's own note ("why this is accepted") is an input field shown on the Advisors page;
 * the edit's reason goes to the audit log like every edit's.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import type { StaffContext } from '@/lib/auth';
import type { Trx } from '@/db/types';
import { catalogEdit } from '@/lib/edits/define';
import { MAX_SUPPRESSION_DAYS } from '@/lib/edits/catalog';
import { GuardError, invalid } from '@/lib/guard/errors';
import { safeText } from '@/lib/guard/text';
import { ADVISOR_IDS, advisorById } from '@/lib/inspect/advisors';

const advisorId = z.enum(ADVISOR_IDS as [string, ...string[]], { error: 'Unknown advisor.' });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Give the expiry as a date (YYYY-MM-DD).' });

function requireAdvisorAccess(staff: StaffContext, id: string) {
  const advisor = advisorById(id)!;
  if (advisor.category === 'security' && !staff.can('security.read')) {
    throw new GuardError('forbidden', `Suppressing a security finding needs security.read (your role: ${staff.role}).`);
  }
  return advisor;
}

interface ActiveRow {
  id: string;
  advisor_id: string;
  object: string | null;
  note: string;
  expires_on: string;
  version: string;
}

async function activeFor(trx: Trx, advisor: string, object: string | null): Promise<ActiveRow | undefined> {
  const { rows } = await sql<ActiveRow>`
    select s.id::text, s.advisor_id, s.object, s.reason as note, to_char(s.expires_at at time zone 'UTC', 'YYYY-MM-DD') as expires_on,
           md5(s::text) as version
      from kontor.suppressions s
     where s.advisor_id = ${advisor} and s.object is not distinct from ${object} and s.expires_at > now()
     order by s.created_at desc limit 1`.execute(trx);
  return rows[0];
}

export const suppressFinding = catalogEdit('advisors.suppress', {
  input: z.strictObject({
    advisorId,
    /** null: every object of the advisor. */
    object: safeText({ max: 1000, label: 'The object' }).nullable(),
    note: safeText({ min: 3, max: 2000, multiline: true, label: 'Why it is accepted' }),
    expiresOn: day,
  }),
  async load(trx, input, staff) {
    requireAdvisorAccess(staff, input.advisorId);
    const { rows } = await sql<{ ok: boolean; tooFar: boolean }>`
      select ${input.expiresOn}::date > (now() at time zone 'UTC')::date as ok,
             ${input.expiresOn}::date > (now() at time zone 'UTC')::date + ${MAX_SUPPRESSION_DAYS}::int as "tooFar"`.execute(trx);
    if (!rows[0].ok) throw invalid('expiresOn', 'The expiry must be a date after today.');
    if (rows[0].tooFar) throw invalid('expiresOn', `A suppression lasts at most ${MAX_SUPPRESSION_DAYS} days: pick an earlier date.`);
    const existing = await activeFor(trx, input.advisorId, input.object);
    return {
      target: { type: 'advisor', id: `${input.advisorId}:${input.object ?? '*'}` },
      rows: [{ key: `kontor.suppressions:${input.advisorId}:${input.object ?? '*'}`, version: existing?.version ?? 'absent' }],
      before: existing ? { suppressed: true, note: existing.note, expiresOn: existing.expires_on } : { suppressed: false },
    };
  },
  async apply(trx, input, _loaded, staff) {
    // A new suppression replaces the active one for the same advisor and object.
    await sql`update kontor.suppressions set expires_at = greatest(now(), created_at + interval '1 millisecond')
               where advisor_id = ${input.advisorId} and object is not distinct from ${input.object} and expires_at > now()`.execute(trx);
    const { rows } = await sql<{ id: string }>`
      insert into kontor.suppressions (advisor_id, object, reason, expires_at, created_by, created_by_email)
      values (${input.advisorId}, ${input.object}, ${input.note}, ${input.expiresOn}::date::timestamp at time zone 'UTC',
              ${staff.userId}, ${staff.email})
      returning id::text`.execute(trx);
    return { after: { suppressed: true, note: input.note, expiresOn: input.expiresOn }, result: { id: rows[0].id } };
  },
});

export const unsuppressFinding = catalogEdit('advisors.unsuppress', {
  input: z.strictObject({ id: z.uuid({ error: 'Not a suppression id.' }) }),
  async load(trx, input, staff) {
    const { rows } = await sql<ActiveRow>`
      select s.id::text, s.advisor_id, s.object, s.reason as note, to_char(s.expires_at at time zone 'UTC', 'YYYY-MM-DD') as expires_on,
             md5(s::text) as version
        from kontor.suppressions s where s.id = ${input.id} and s.expires_at > now()`.execute(trx);
    const row = rows[0];
    if (!row) throw invalid('id', 'This suppression has expired or was ended already.');
    if (advisorById(row.advisor_id)) requireAdvisorAccess(staff, row.advisor_id);
    return {
      target: { type: 'advisor', id: `${row.advisor_id}:${row.object ?? '*'}` },
      rows: [{ key: `kontor.suppressions:${row.id}`, version: row.version }],
      before: { suppressed: true, note: row.note, expiresOn: row.expires_on },
    };
  },
  async apply(trx, input) {
    await sql`update kontor.suppressions set expires_at = greatest(now(), created_at + interval '1 millisecond') where id = ${input.id}`.execute(trx);
    return { after: { suppressed: false }, result: { id: input.id } };
  },
});

