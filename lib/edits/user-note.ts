/** users.addNote: a staff note on a product user's file, kept in kontor.user_notes (lib/domain/notes.ts reads them). */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { activeMapping, keyOf, tableOf } from '@/lib/mapping';
import { catalogEdit } from '@/lib/edits/define';
import { GuardError, invalid } from '@/lib/guard/errors';
import { safeText } from '@/lib/guard/text';
import { userIdSchema } from '@/lib/domain/payments-common';
import { NOTE_MAX_CHARS } from '@/lib/edits/catalog';

export const addUserNote = catalogEdit('users.addNote', {
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
