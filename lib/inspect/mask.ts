/**
 * Statement text that sets a password or a key (`alter role … password '…'`, pgp_sym_encrypt(…, 'key'),
 * a connection string with password=…) shows its literals in clear in pg_stat_statements (utility
 * statements are not normalised) and in pg_stat_activity. maskedQuery() replaces every literal of such
 * a statement with '***' in SQL, so that a filter on the Queries page matches the masked text only
 * (it could otherwise find a password by its letters) and a snapshot never copies a secret.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';

/** What makes a statement's literals secret (case-insensitive; \m: a word's start). */
export const SENSITIVE_STATEMENT = String.raw`password|passwd|\msecret|token|api_?key|private_?key|secret_?key|\mkey\M|crypt|pgp_|credential|pgsodium|vault\.`;
// Dollar-quoted bodies first (they may contain single quotes; the first quantifier is non-greedy, so
// the whole pattern is: one body at a time), then one cut off by the text's truncation, then '…' and
// E'…' (with \' escapes), closed or cut off. A dollar body becomes '***' too.
const DOLLAR_QUOTED = String.raw`\$(\w*?)\$.*?\$\1\$`;
const DOLLAR_OPEN = String.raw`\$\w*\$.*`;
const QUOTED = String.raw`'([^'\\]|''|\\.)*('|$)`;

export function maskedQuery(text: RawBuilder<string> | ReturnType<typeof sql.ref>): RawBuilder<string> {
  const dollars = sql`regexp_replace(regexp_replace(${text}, ${DOLLAR_QUOTED}, '''***''', 'g'), ${DOLLAR_OPEN}, '''***')`;
  return sql<string>`(case when ${text} ~* ${SENSITIVE_STATEMENT}
    then regexp_replace(${dollars}, ${QUOTED}, '''***''', 'g')
    else ${text} end)`;
}
