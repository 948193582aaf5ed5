/**
 * Which user a form means, from what staff type: a whole id (whatever the users key holds: a uuid, a
 * number, a text id), the start of one (the 8 characters a screen showed, id-prefix.ts), or an email
 * (any case). The answer names the user it found, lists the candidates when several match, and says
 * why when none does, in the key's own terms. Every lookup goes through the key's or the email's index.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { ReadContext } from '@/lib/context';
import { GuardError } from '@/lib/guard/errors';
import { columnOf, keyOf, tableOf } from '@/lib/mapping';
import { keyCanHold, MAX_KEY_LENGTH } from '@/lib/mapping/keys';
import { keyMatches, MIN_PREFIX, prefixRange } from '@/lib/domain/id-prefix';

export interface PickedUser { id: string; email: string | null }

export type UserPick =
  | { kind: 'one'; user: PickedUser; by: 'id' | 'prefix' | 'email' }
  | { kind: 'many'; users: PickedUser[]; more: boolean }
  | { kind: 'none'; message: string };

/** Candidates listed when several match. */
export const PICK_LIMIT = 10;

/** What the users key accepts, in words, for a message. */
export function keyWords(keyType: string | undefined): string {
  const t = (keyType ?? '').toLowerCase();
  if (t === 'uuid') return `a uuid (32 hex digits), its first ${MIN_PREFIX} or more characters, or an email`;
  if (t === 'smallint' || t === 'integer' || t === 'bigint') return 'a whole number or an email';
  return `an id, its first ${MIN_PREFIX} or more characters, or an email`;
}

export async function pickUser(db: QueryExecutorProvider, { staff, mapping }: ReadContext, raw: string): Promise<UserPick> {
  if (!staff.can('credits.read') && !staff.can('users.read')) throw new GuardError('forbidden', 'credits.read or users.read is required to look a user up.');
  const text = raw.trim();
  const users = mapping.users;
  if (!text || text.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(text)) {
    return { kind: 'none', message: `Type a user: ${keyWords(users?.keyType)}.` };
  }
  // No users table mapped: the ledger's user column is all there is, and the text is taken as its value.
  if (!users) return { kind: 'one', user: { id: text, email: null }, by: 'id' };
  const found = (rows: PickedUser[], by: 'id' | 'prefix' | 'email'): UserPick =>
    rows.length === 1 ? { kind: 'one', user: rows[0], by }
      : { kind: 'many', users: rows.slice(0, PICK_LIMIT), more: rows.length > PICK_LIMIT };
  const select = (where: RawBuilder<unknown>, order: RawBuilder<unknown>) => sql<PickedUser>`
    select u.${keyOf(users)}::text as id, ${columnOf(users, 'email', 'u')}::text as email
      from ${tableOf(users)} u where ${where} order by ${order} limit ${PICK_LIMIT + 1}`.execute(db).then((r) => r.rows);

  if (text.includes('@')) {
    // As search reads it: lower(email), which its index (text_pattern_ops or plain) serves for equality.
    const email = columnOf(users, 'email', 'u');
    const rows = await select(sql`lower(${email}) = ${text.toLowerCase()}`, sql`u.${keyOf(users)}`);
    return rows.length ? found(rows, 'email') : { kind: 'none', message: `No user has the email ${text}.` };
  }
  if (keyCanHold(users, text)) {
    const rows = await select(sql`u.${keyOf(users)} = ${text}`, sql`u.${keyOf(users)}`);
    if (rows.length) return found(rows, 'id');
  }
  if (prefixRange(users.keyType, text)) {
    const rows = await select(keyMatches(users, 'u', text), sql`u.${keyOf(users)}`);
    if (rows.length) return found(rows, 'prefix');
    return { kind: 'none', message: `No user id starts with ${text}.` };
  }
  if (keyCanHold(users, text)) return { kind: 'none', message: `No user has the id ${text}.` };
  return { kind: 'none', message: `${text} is not a user id here: type ${keyWords(users.keyType)}.` };
}

