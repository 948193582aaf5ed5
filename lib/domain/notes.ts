/**
 * Staff notes about a product user: what support knows that the database does not ("promised a
 * refund on the phone"). Kept in kontor.user_notes (append-only); added only through the guarded
 * edit users.addNote (lib/edits/user-note.ts), so each note is also an audit row.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { GuardError } from '@/lib/guard/errors';
import type { ReadContext } from '@/lib/context';

export interface NoteRow {
  id: string;
  body: string;
  author: string;
  createdAt: string;
}

/** A user's notes, newest first, paged. */
export async function listUserNotes(
  db: QueryExecutorProvider,
  { staff }: ReadContext,
  userId: string,
  q: { limit: number; offset: number },
): Promise<{ rows: NoteRow[]; total: number }> {
  if (!staff.can('users.read')) throw new GuardError('forbidden', 'users.read is required to read staff notes.');
  const { rows } = await sql<{ id: string; body: string; created_by_email: string; created_at: Date; total: string }>`
    select id::text, body, created_by_email, created_at, count(*) over ()::text as total
      from kontor.user_notes where user_id = ${userId}
     order by created_at desc, id desc limit ${q.limit} offset ${q.offset}`.execute(db);
  return {
    rows: rows.map((r) => ({ id: r.id, body: r.body, author: r.created_by_email, createdAt: r.created_at.toISOString() })),
    total: Number(rows[0]?.total ?? 0),
  };
}
