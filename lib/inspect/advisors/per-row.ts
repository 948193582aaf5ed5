/**
 * policy_auth_uid_per_row: the policies that call auth.uid(), auth.jwt() (...) or current_setting()
 * per row, decided by walking their trees (node-tree.ts).
 *
 * Most policies of a large schema call them only in the canonical once-form `(select auth.uid())`,
 * and fetching 5,000 trees of 1.4 KB each costs more than the rest of the check. So the server first
 * cuts every canonical once-call out of each tree, a literal replace of that form's exact text (read
 * from one of the trees: it differs by Postgres version), and only trees with a watched call left
 * come back to be walked; without a sample of the form, every tree with a call comes back.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { productSchema } from '@/lib/inspect/advisors/sql';
import { perRowCalls } from '@/lib/inspect/advisors/node-tree';

type Db = Parameters<Advisor['run']>[0];

/** The text of `(select f())` up to f's oid: an EXPR sublink whose query scans nothing, f as its only target. */
const ONCE_FORM = /\{SUBLINK :subLinkType 4 [^{}]*\{QUERY [^{}]* :rtable <> [^{}]*\{FROMEXPR :fromlist <> :quals <>\}[^{}]*:targetList \(\{TARGETENTRY :expr \{FUNCEXPR :funcid /;

export async function perRowAuthCalls(db: Db): Promise<ObjectRow[]> {
  const fns = await sql<{ oid: string; name: string; args: number }>`
    select p.oid::text as oid, n.nspname || '.' || p.proname || '()' as name, p.pronargs::int as args
      from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where (n.nspname = 'auth' and p.proname in ('uid', 'jwt', 'role', 'email'))
        or (n.nspname = 'pg_catalog' and p.proname = 'current_setting')`.execute(db);
  if (!fns.rows.length) return [];
  const names = new Map(fns.rows.map((f) => [f.oid, f.name]));
  const pattern = `:funcid (${[...names.keys()].join('|')}) `;
  const samples = await sql<{ tree: string }>`
    select p.polqual::text as tree from pg_catalog.pg_policy p
     where p.polqual::text like '%{SUBLINK :subLinkType 4 %:targetList ({TARGETENTRY :expr {FUNCEXPR :funcid %' limit 20`.execute(db);
  const form = samples.rows.map((s) => ONCE_FORM.exec(s.tree)?.[0]).find(Boolean);
  // Only calls without arguments: a call with arguments (current_setting('...')) is left for the walk.
  const onceCalls = form ? fns.rows.filter((f) => f.args === 0).map((f) => `${form}${f.oid} `) : [];
  const strip = (tree: RawBuilder<string>) => onceCalls.reduce((t, once) => sql<string>`replace(${t}, ${once}, '')`, tree);
  const policies = await sql<{ object: string; table: string; qual: string | null; check: string | null }>`
    select quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '/' || quote_ident(p.polname) as object,
           quote_ident(n.nspname) || '.' || quote_ident(c.relname) as "table", p.polqual::text as qual, p.polwithcheck::text as "check"
      from pg_catalog.pg_policy p
      join pg_catalog.pg_class c on c.oid = p.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where ${productSchema()} and c.relrowsecurity -- with RLS off no policy runs (policy_exists_rls_disabled says so)
       and (${strip(sql`p.polqual::text`)} ~ ${pattern} or ${strip(sql`p.polwithcheck::text`)} ~ ${pattern})
     order by 1`.execute(db);
  const watched = new Set(names.keys());
  return policies.rows.flatMap((p) => {
    const calls = [...new Set([...perRowCalls(p.qual, watched), ...perRowCalls(p.check, watched)])].map((o) => names.get(o)!);
    return calls.length
      ? [{ object: p.object, table: p.table, related: null, detail: `calls ${calls.join(', ')} once per row` }]
      : [];
  });
}
