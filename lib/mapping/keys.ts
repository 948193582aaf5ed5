/**
 * Row keys of the product's tables. A key is whatever its column's type accepts: a uuid of any
 * version (or none: ids derived from a hash are not RFC 4122 uuids, and Postgres takes them), an
 * integer, a text id. So Kontor checks only that a key is plausible text, and the database decides:
 * a key its column cannot hold reads as "not found" (isKeyTypeMismatch in db/errors), never as an error.
 */
import { z } from 'zod';

/** Text that Postgres's uuid input accepts: 32 hex digits, hyphenated or not, optionally in braces. */
export const UUID_TEXT = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** At most this long: longer text is no key of any real product. */
export const MAX_KEY_LENGTH = 200;

/** A row key from a URL or a form, named in its message ("The user is not a valid id."). */
export function rowKeySchema(what: string) {
  const message = `The ${what} is not a valid id.`;
  return z
    .string({ error: message })
    .trim()
    .min(1, { error: message })
    .max(MAX_KEY_LENGTH, { error: message })
    // No key of a real product holds white space, quotes, a semicolon or a backslash: text with them is
    // a typo or an attack, refused here; anything else is the column's to accept or refuse.
    .refine((s) => !/[\u0000-\u0020\u007f'"`;\\]/.test(s), { error: message });
}

/** A key from a URL segment or search box: the same rule, without a message. */
export const anyRowKey = rowKeySchema('row');

export function looksLikeUuid(text: string): boolean {
  return UUID_TEXT.test(text);
}

const INTEGER = /^-?\d{1,19}$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * Whether the concept's key column can hold `text` (its catalog type, keyType, from validateMapping):
 * so a page answers "not found" before asking, and a search by id asks only the tables whose keys
 * could match. Unknown types say yes and leave it to the database.
 */
export function keyCanHold(concept: { keyType?: string }, text: string): boolean {
  const t = (concept.keyType ?? '').toLowerCase();
  if (t === 'uuid') return UUID_TEXT.test(text);
  if (t === 'smallint' || t === 'integer' || t === 'bigint') return INTEGER.test(text);
  if (t === 'numeric') return NUMERIC.test(text);
  return true;
}
