/**
 * Staff notes about a product user: what support knows that the database does not ("promised a
 * refund on the phone"). Kept in kontor.user_notes (append-only); added only through the guarded
 * edit users.addNote, so each note is also an audit row.
 */
import 'server-only';
import { sql, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';
import type { StaffContext } from '@/lib/auth';
import { activeMapping, keyOf, tableOf } from '@/lib/mapping';
import { defineEdit } from '@/lib/guard/define';
import { GuardError, invalid } from '@/lib/guard/errors';
import { safeText } from '@/lib/guard/text';
import { userIdSchema } from '@/lib/domain/payments-common';
import { NOTE_MAX_CHARS } from '@/lib/domain/notes-limits';

export { NOTE_MAX_CHARS };

export interface NoteRow {
  id: string;
  body: string;
  author: string;
  createdAt: string;
}

export const addUserNote = defineEdit({
  name: 'users.addNote',
  label: 'add a note to a user',
  capability: 'users.note',
  input: z.strictObject({
    userId: userIdSchema,
    body: safeText({ max: NOTE_MAX_CHARS, multiline: true, label: 'The note' }),
  }),
  async load(trx, input) {
    const { users } = activeMapping();
    if (!users) throw new GuardError('misconfigured', 'Notes need the users concept in the table mapping.');
    const { rows } = await sql<{ id: string }>`
      select ${keyOf(users)}::text as id from ${tableOf(users)} where ${keyOf(users)} = ${input.userId}`.execute(trx);
    if (!rows[0]) throw invalid('userId', 'No user has this id.');
    // A note depends on nothing but the user's existence: a balance change must not make it stale.
    return { target: { type: 'user', id: rows[0].id }, rows: [{ key: `user:${rows[0].id}`, version: 'exists' }], before: null };
  },
  async apply(trx, input, loaded, staff) {
    const { rows } = await sql<{ id: string }>`
      insert into kontor.user_notes (user_id, body, created_by, created_by_email)
      values (${loaded.target.id}, ${input.body}, ${staff.userId}, ${staff.email})
      returning id::text`.execute(trx);
    return { after: { note: input.body }, result: { noteId: rows[0].id } };
  },
});

/** A user's notes, newest first, paged. */
export async function listUserNotes(
  db: QueryExecutorProvider,
  staff: StaffContext,
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
