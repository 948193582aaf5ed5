/**
 * Suppressions: a finding hidden on purpose, for one object or the whole advisor, until it expires.
 * Stored in kontor.suppressions (migration 0004). The read side lives here; creating one is a guarded
 * edit (lib/edits/suppressions.ts).
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';

export interface Suppression {
  id: string;
  advisorId: string;
  /** null: every object of the advisor. */
  object: string | null;
  reason: string;
  expiresAt: Date;
  createdByEmail: string;
  createdAt: Date;
}

/** Active suppressions (expires_at in the future), newest first; none when the table is missing. */
export async function listActiveSuppressions(db: QueryExecutorProvider, limit = 1000): Promise<Suppression[]> {
  const exists = await sql<{ ok: boolean }>`select to_regclass('kontor.suppressions') is not null as ok`.execute(db);
  if (!exists.rows[0]?.ok) return [];
  const { rows } = await sql<Suppression>`
    select id::text as id, advisor_id as "advisorId", object, reason, expires_at as "expiresAt",
           created_by_email as "createdByEmail", created_at as "createdAt"
      from kontor.suppressions
     where expires_at > now()
     order by created_at desc
     limit ${limit}`.execute(db);
  return rows;
}

/** The suppression that hides this object of this advisor, if any (an object's own wins over the advisor's). */
export function matchSuppression(list: readonly Suppression[], advisorId: string, object: string): Suppression | undefined {
  return (
    list.find((s) => s.advisorId === advisorId && s.object === object) ??
    list.find((s) => s.advisorId === advisorId && s.object === null)
  );
}
