/**
 * Rows by the start of their key: staff paste the 8 characters a screen showed ("9e5266ea") and expect
 * the row. A prefix is a range on the key, so the key's own btree index serves it (never a cast to
 * text and a LIKE, which reads the whole table):
 * - a uuid key: "9e5266ea" is every uuid from 9e5266ea-0000-... to 9e5266ea-ffff-...;
 * - a text key: from "cus_12" up to "cus_13" (the last character's successor), compared in the column's
 *   own collation so that its index serves the range; starts_with() keeps only true matches. Exact in
 *   the "C" collation (Kontor's embedded databases, and the order a prefix means); a linguistic
 *   collation that ignores punctuation may leave out a key whose prefix ends in it;
 * - an integer key has no prefix: only the whole number finds it.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { keyOf, tableOf, type Mapping } from '@/lib/mapping';

/** Shorter prefixes match too much of a table to mean one row. */
export const MIN_PREFIX = 4;

export type PrefixConcept = 'users' | 'payments' | 'tasks';

export type PrefixRange = { kind: 'uuid'; from: string; to: string } | { kind: 'text'; from: string; below: string };

const TEXT_TYPES = new Set(['text', 'character varying', 'varchar', 'character', 'citext', 'name']);
const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * The key range a prefix stands for, or null when it cannot be one (too short, not hex for a uuid key,
 * an integer key). A whole uuid is its own one-row range.
 */
export function prefixRange(keyType: string | undefined, text: string): PrefixRange | null {
  const t = (keyType ?? 'text').toLowerCase();
  const q = text.trim();
  if (q.length < MIN_PREFIX) return null;
  if (t === 'uuid') {
    // Hyphens may be typed where a uuid has them, or left out.
    const hex = q.toLowerCase().replace(/^\{/, '').replace(/\}$/, '');
    if (!/^[0-9a-f-]+$/.test(hex)) return null;
    const digits = hex.replace(/-/g, '');
    if (digits.length < MIN_PREFIX || digits.length > 32) return null;
    return { kind: 'uuid', from: uuidOf(digits.padEnd(32, '0')), to: uuidOf(digits.padEnd(32, 'f')) };
  }
  if (!TEXT_TYPES.has(t)) return null;
  const last = q.codePointAt(q.length - 1)!;
  const head = q.slice(0, q.length - (last > 0xffff ? 2 : 1));
  const next = last === 0xd7ff ? 0xe000 : last + 1; // past the surrogates, which are no characters
  if (next > 0x10ffff) return null;
  return { kind: 'text', from: q, below: head + String.fromCodePoint(next) };
}

export interface PrefixMatches {
  /** The full keys that start with the prefix, in key order; at most `limit`. */
  ids: string[];
  /** More than `limit` matched. */
  more: boolean;
}

/** The concept's rows whose key starts with `text`: none when it cannot be a prefix of its key. */
export async function findByIdPrefix(
  db: QueryExecutorProvider, mapping: Pick<Mapping, PrefixConcept>, concept: PrefixConcept, text: string, limit = 10,
): Promise<PrefixMatches> {
  const query = prefixQuery(mapping, concept, text, limit + 1);
  if (!query) return { ids: [], more: false };
  const { rows } = await query.execute(db);
  return { ids: rows.slice(0, limit).map((r) => r.id), more: rows.length > limit };
}

/**
 * The condition on a concept's key (aliased) that `text` asks for: the range of its prefix where it can
 * be one (a whole uuid is a one-row range), else the key equal to it (an integer, a short text key).
 */
export function keyMatches(c: NonNullable<Mapping[PrefixConcept]>, alias: string, text: string): RawBuilder<unknown> {
  const range = prefixRange(c.keyType, text);
  const k = keyOf(c, alias);
  if (!range) return sql`${k} = ${text}`;
  return range.kind === 'uuid'
    ? sql`${k} between ${range.from}::uuid and ${range.to}::uuid`
    : sql`${k} >= ${range.from} and ${k} < ${range.below} and starts_with(${k}::text, ${range.from})`;
}

/** The query findByIdPrefix runs (its plan is tested: a range on the key's index), or null. */
export function prefixQuery(mapping: Pick<Mapping, PrefixConcept>, concept: PrefixConcept, text: string, limit: number) {
  const c = mapping[concept];
  const range = c ? prefixRange(c.keyType, text) : null;
  if (!c || !range) return null;
  const k = keyOf(c, 'x');
  const where = keyMatches(c, 'x', text);
  // A derived concept (a subset, one row per key) may list a key more than once: distinct, in key order.
  return sql<{ id: string }>`
    select distinct ${k}::text as id, ${k} from ${tableOf(c)} x where ${where} order by ${k} limit ${limit}`;
}
