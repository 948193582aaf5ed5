/**
 * Names for the ids a table lists: a user's email, a payment's order number. One query per table page,
 * by key (`key = any($1)`): the array is left untyped, so Postgres reads it as the key's own type and
 * the key's index serves the lookup (a uuid key as uuid[], Reigh's session ids as text). Never a cast
 * of the key to text, which would read the whole table for each page. Ids the key cannot hold (a text
 * id where the key is a uuid) are left out first, so a mismatch is "no name", never an error.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { keyCanHold } from '@/lib/mapping/keys';

export type NamedConcept = 'users' | 'payments';

/**
 * What names a row, as SQL over the relation aliased `alias`: a user's email; a payment's order number,
 * else the provider's reference (what previews and the audit log call it), unless that reference is the
 * key itself (Reigh's session id): then the id is all there is, and the IdRef shows it alone.
 */
export function nameSql(mapping: Pick<Mapping, NamedConcept>, concept: NamedConcept, alias: string): RawBuilder<unknown> | null {
  if (concept === 'users') return mapping.users && hasColumn(mapping.users, 'email') ? columnOf(mapping.users, 'email', alias) : null;
  const p = mapping.payments;
  if (!p) return null;
  const column = hasColumn(p, 'orderId') ? 'orderId' : hasColumn(p, 'providerRef') ? 'providerRef' : null;
  return column && p.columns[column] !== p.key ? columnOf(p, column, alias) : null;
}

/** The lookup namesByKey runs (its plan is tested: the key's index), or null when there is nothing to ask. */
export function namesQuery(mapping: Pick<Mapping, NamedConcept>, concept: NamedConcept, ids: readonly (string | null | undefined)[]) {
  const c = mapping[concept];
  const name = nameSql(mapping, concept, 'n');
  if (!c || !name) return null;
  const keys = [...new Set(ids.filter((id): id is string => Boolean(id) && keyCanHold(c, id!)))];
  if (keys.length === 0) return null;
  return sql<{ id: string; name: string | null }>`
    select n.${keyOf(c)}::text as id, ${name}::text as name from ${tableOf(c)} n where n.${keyOf(c)} = any(${keys})`;
}

/** The names of these ids, by id as the page has it (its key's text); an id with no name is left out. */
export async function namesByKey(
  db: QueryExecutorProvider, mapping: Pick<Mapping, NamedConcept>, concept: NamedConcept, ids: readonly (string | null | undefined)[],
): Promise<Map<string, string>> {
  const query = namesQuery(mapping, concept, ids);
  if (!query) return new Map();
  const { rows } = await query.execute(db);
  return new Map(rows.filter((r) => r.name).map((r) => [r.id, r.name!]));
}
