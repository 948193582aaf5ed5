/**
 * What a catalog column is, for discovery by structure (discover.ts): its kind of type, the values it
 * holds, whether it refers to the users table, and which of a concept's columns it could be.
 */
import type { CatalogColumn, CatalogTable } from '@/lib/mapping/catalog';

export const isNumeric = (c: CatalogColumn) => /^(smallint|integer|bigint|numeric|decimal|real|double precision|money)\b/.test(c.type);
export const isInteger = (c: CatalogColumn) => /^(smallint|integer|bigint)$/.test(c.type);
export const isTime = (c: CatalogColumn) => /^(timestamp|date)\b/.test(c.type);
export const isJson = (c: CatalogColumn) => /^jsonb?$/.test(c.type);
export const isBool = (c: CatalogColumn) => c.type === 'boolean';
/** Text, varchar, or an enum (any type the catalog gave labels for). */
export const isTextual = (c: CatalogColumn) =>
  /^(text|character varying|varchar|character|char|citext|name)\b/.test(c.type) || (!isNumeric(c) && !isTime(c) && !isJson(c) && !isBool(c) && !/^uuid|\[\]$/.test(c.type));

/** The values a column holds (enum, CHECK, most common), lower-cased. */
export function valuesOf(t: CatalogTable, c: CatalogColumn): string[] {
  return (c.values ?? t.statuses[c.name] ?? []).map((v) => v.toLowerCase());
}

/** The raw values, as stored. */
export function rawValuesOf(t: CatalogTable, c: CatalogColumn): string[] {
  return c.values ?? t.statuses[c.name] ?? [];
}

/** The first column (by the order of `names`, then of `patterns`) that passes `ok`. */
export function findColumn(
  t: CatalogTable, names: string[], patterns: RegExp[] = [], ok: (c: CatalogColumn) => boolean = () => true,
): CatalogColumn | undefined {
  const usable = t.columns.filter(ok);
  for (const n of names) {
    const c = usable.find((x) => x.name.toLowerCase() === n);
    if (c) return c;
  }
  for (const p of patterns) {
    const c = usable.find((x) => p.test(x.name.toLowerCase()));
    if (c) return c;
  }
  return undefined;
}

export const CREATED = ['created_at', 'inserted_at', 'created', 'createdat', 'date_joined', 'created_on', 'occurred_at', 'timestamp', 'logged_at'];
export const createdColumn = (t: CatalogTable) => findColumn(t, CREATED, [/creat|insert/], isTime);

const USER_NAMES = ['user_id', 'profile_id', 'customer_id', 'account_id', 'owner_id', 'member_id', 'userid'];

/** A column that refers to a user: a foreign key to the users table or to auth.users, else a user_id by name. */
export function userReference(t: CatalogTable, users: CatalogTable | undefined): { column: CatalogColumn; reason: string } | undefined {
  const cols = t.columns.filter((c) => !c.pk);
  const toUsers = users && cols.find((c) => c.references?.schema === users.schema && c.references.table === users.name);
  if (toUsers) return { column: toUsers, reason: `${toUsers.name} references ${users.schema}.${users.name}` };
  const toAuth = cols.find((c) => c.references?.schema === 'auth' && c.references.table === 'users');
  if (toAuth) return { column: toAuth, reason: `${toAuth.name} references auth.users` };
  const named = findColumn({ ...t, columns: cols }, USER_NAMES, [/_user_id$/], (c) => !c.references);
  if (named) return { column: named, reason: `${named.name} names a user` };
  return undefined;
}

/** A column that refers to `target` by a foreign key, else by one of `names`. */
export function referenceTo(t: CatalogTable, target: CatalogTable | undefined, names: string[], patterns: RegExp[] = []): CatalogColumn | undefined {
  const byKey = target && t.columns.find((c) => c.references?.schema === target.schema && c.references.table === target.name);
  return byKey ?? findColumn(t, names, patterns, (c) => !c.pk && !c.references);
}

/** For each table ("schema.name"), the tables whose foreign keys point at it: built once per catalog. */
export function referencesIndex(tables: CatalogTable[]): Map<string, string[]> {
  const index = new Map<string, Set<string>>();
  for (const x of tables) {
    for (const c of x.columns) {
      if (!c.references) continue;
      const target = `${c.references.schema}.${c.references.table}`;
      const from = `${x.schema}.${x.name}`;
      if (target === from) continue;
      index.set(target, (index.get(target) ?? new Set()).add(from));
    }
  }
  return new Map([...index].map(([k, v]) => [k, [...v].sort()]));
}

/** The raw value of each meaning, read from a column's values by their synonyms. */
export function matchValues(raw: string[], synonyms: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of raw) {
    const lower = value.toLowerCase();
    const meaning = Object.entries(synonyms).find(([, words]) => words.includes(lower))?.[0];
    if (meaning && !out[meaning]) out[meaning] = value;
  }
  return out;
}

/** The key: a one-column primary key, else a column named id. */
export function keyColumn(t: CatalogTable): CatalogColumn | undefined {
  return t.columns.find((c) => c.pk) ?? t.columns.find((c) => c.name === 'id');
}

export const listed = (xs: string[], n = 4) => xs.slice(0, n).join(', ') + (xs.length > n ? ', ...' : '');
