/**
 * The SQL to copy for each finding's object: Kontor runs no DDL, it writes the statement for a
 * person to review. Object names come from the catalog already quoted (quote_ident), so they are
 * pasted as they are; where the fix depends on the application (which column names the owner),
 * the statement says so in a comment instead of guessing.
 */
import type { FindingObject } from '@/lib/inspect/advisors/types';

/** Splits `schema.table/"policy/name"` on `sep` outside double quotes. */
export function splitQuoted(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

type Fix = (o: Pick<FindingObject, 'object' | 'table' | 'related' | 'detail'>) => string;

const tableOf = (o: { object: string; table: string | null }) => o.table ?? splitQuoted(o.object, '/')[0];
const lastPart = (o: { object: string }) => splitQuoted(o.object, '/').at(-1)!;

const FIXES: Record<string, Fix> = {
  rls_disabled_public_table: (o) =>
    `ALTER TABLE ${o.object} ENABLE ROW LEVEL SECURITY;\n-- then a policy per role and command for the rows it may reach, e.g.:\n-- CREATE POLICY "own rows" ON ${o.object} FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);`,
  rls_enabled_no_policy: (o) =>
    `-- if the API should reach some rows, say which:\nCREATE POLICY "own rows" ON ${o.object} FOR SELECT TO authenticated\n  USING ((select auth.uid()) = user_id);  -- adapt the owner column\n-- if only the server reads it, say so:\nCOMMENT ON TABLE ${o.object} IS 'server only: no API access by design';`,
  policy_exists_rls_disabled: (o) => `ALTER TABLE ${o.object} ENABLE ROW LEVEL SECURITY;`,
  policy_using_true_private: (o) =>
    `ALTER POLICY ${lastPart(o)} ON ${tableOf(o)}\n  USING ((select auth.uid()) = user_id);  -- adapt the owner column`,
  policy_reads_user_metadata: (o) =>
    `-- app_metadata is written by the server only; user_metadata by the user\nALTER POLICY ${lastPart(o)} ON ${tableOf(o)}\n  USING (((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');`,
  auth_users_exposed: (o) =>
    `REVOKE ALL ON ${o.object} FROM anon, authenticated;\n-- or, if the API needs it: ALTER VIEW ${o.object} SET (security_invoker = true);`,
  security_definer_view: (o) => `ALTER VIEW ${o.object} SET (security_invoker = true);`,
  security_definer_function_anon: (o) => `REVOKE EXECUTE ON FUNCTION ${o.object} FROM anon, PUBLIC;`,
  security_definer_function_authenticated: (o) =>
    `REVOKE EXECUTE ON FUNCTION ${o.object} FROM authenticated, anon, PUBLIC;\n-- or: ALTER FUNCTION ${o.object} SECURITY INVOKER;`,
  materialized_view_in_api: (o) => `REVOKE SELECT ON ${o.object} FROM anon, authenticated;`,
  foreign_table_in_api: (o) => `REVOKE SELECT ON ${o.object} FROM anon, authenticated;`,
  insecure_queue_exposed_in_api: (o) => `ALTER TABLE ${o.object} ENABLE ROW LEVEL SECURITY;\n-- then a policy for the messages each role may read`,
  public_bucket_allows_listing: (o) =>
    `-- public URLs need no SELECT policy: take the bucket out of ${o.related.join(', ')}, e.g.\nALTER POLICY ${o.related[0]} ON storage.objects USING (/* without bucket_id = '${splitQuoted(o.object, '/').at(-1)}' */);`,
  fkey_to_auth_unique: (o) => `ALTER TABLE ${tableOf(o)} DROP CONSTRAINT ${lastPart(o)};\n-- then reference auth.users (id) instead`,
  unsupported_reg_types: (o) => {
    const column = splitQuoted(o.object, '.').at(-1)!;
    return `ALTER TABLE ${tableOf(o)} ALTER COLUMN ${column} TYPE text USING ${column}::text;`;
  },
  extension_versions_outdated: (o) => `ALTER EXTENSION ${o.object} UPDATE;`,
  function_search_path_mutable: (o) => `ALTER FUNCTION ${o.object} SET search_path = '';  -- then schema-qualify the names it uses`,
  secret_column_exposed: (o) => {
    const column = splitQuoted(o.object, '.').at(-1)!;
    return `REVOKE SELECT ON ${tableOf(o)} FROM anon, authenticated;\nGRANT SELECT (/* every column but ${column} */) ON ${tableOf(o)} TO authenticated;`;
  },
  extension_in_public: (o) => `CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION ${o.object} SET SCHEMA extensions;`,
  policy_auth_uid_per_row: (o) =>
    `-- write (select auth.uid()) / (select auth.jwt()) where the policy calls them bare:\nALTER POLICY ${lastPart(o)} ON ${tableOf(o)}\n  USING (/* its USING, with auth.uid() -> (select auth.uid()) */);`,
  multiple_permissive_policies: (o) => {
    const [, role, command] = splitQuoted(o.object, '/');
    return [
      `-- one policy whose USING ORs the conditions of ${o.related.join(', ')}:`,
      `CREATE POLICY "${command.toLowerCase()} for ${role}" ON ${tableOf(o)} FOR ${command} TO ${role}`,
      `  USING (/* (first condition) OR (second condition) */);`,
      ...o.related.map((p) => `DROP POLICY ${p} ON ${tableOf(o)};`),
    ].join('\n');
  },
  unindexed_foreign_key: (o) => `CREATE INDEX CONCURRENTLY ON ${tableOf(o)} (/* the key's columns: ${o.detail} */);`,
  duplicate_index: (o) => `DROP INDEX CONCURRENTLY ${o.object};  -- identical to ${o.related.join(', ')}`,
  redundant_index: (o) => `DROP INDEX CONCURRENTLY ${o.object};  -- ${o.related.join(', ')} serves the same lookups`,
  unused_index: (o) => `-- check replicas and rare jobs first: scan counts are per server\nDROP INDEX CONCURRENTLY ${o.object};`,
  no_primary_key: (o) =>
    `ALTER TABLE ${o.object} ADD PRIMARY KEY (/* a unique, not-null column */);\n-- or: ALTER TABLE ${o.object} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;`,
  table_bloat: (o) => `VACUUM (ANALYZE, VERBOSE) ${o.object};`,
  sequence_near_max: (o) => `ALTER SEQUENCE ${o.object} AS bigint;\n-- and the column it feeds: ALTER TABLE … ALTER COLUMN … TYPE bigint;`,
  not_valid_constraint: (o) => `ALTER TABLE ${tableOf(o)} VALIDATE CONSTRAINT ${lastPart(o)};`,
  invalid_index: (o) => `REINDEX INDEX CONCURRENTLY ${o.object};\n-- or, if it is not needed: DROP INDEX CONCURRENTLY ${o.object};`,
};

/** The statement to copy for one object of one advisor; a comment when the advisor has none. */
export function fixSqlFor(advisorId: string, o: Pick<FindingObject, 'object' | 'table' | 'related' | 'detail'>): string {
  const fix = FIXES[advisorId];
  return fix ? fix(o) : `-- see the advice above for ${o.object}`;
}

export const ADVISORS_WITH_SQL = Object.keys(FIXES);
