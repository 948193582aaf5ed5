/**
 * Which schemas Kontor's catalog pages look at, and which its verdicts judge.
 *
 * - System schemas (pg_catalog, information_schema, pg_toast, pg_temp_*) are never listed.
 * - Kontor's own schema and the schemas Supabase manages (auth, storage, realtime, extensions,
 *   supabase_*, ...) are listed (an engineer may want to see auth.users' size) but never judged:
 *   their owners decide their indexes, as Supabase's own linter leaves them alone.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';

export const MANAGED_SCHEMAS = [
  'kontor',
  'auth',
  'storage',
  'realtime',
  'extensions',
  'graphql',
  'graphql_public',
  'net',
  'pgsodium',
  'pgsodium_masks',
  'vault',
  'pgbouncer',
  'cron',
  'pgtle',
  'tiger',
  'topology',
] as const;

/** SQL condition: `nsp` (a schema-name expression) is a user schema (not a system one). */
export function isListedSchema(nsp: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${nsp} not in ('pg_catalog', 'information_schema') and ${nsp} !~ '^pg_(toast|temp_|toast_temp_)')`;
}

/** SQL condition: `nsp` is a schema whose indexes and keys Kontor judges. */
export function isJudgedSchema(nsp: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${isListedSchema(nsp)} and ${nsp} <> all (${sql.val([...MANAGED_SCHEMAS])}::text[]) and ${nsp} !~ '^supabase_')`;
}

/** Escapes LIKE wildcards so a filter typed by a person matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** "schema"."name", quoted as Postgres would (for SQL that people copy). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
