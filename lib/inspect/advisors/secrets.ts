/**
 * Secret columns the API can read. A column is a secret by its name: credentials (password, token,
 * api_key), and the names frameworks give them (Django's session_key, django-otp's and DRF's `key`,
 * Devise's otp_secret and reset_password_token, NextAuth's id_token and session_token). Supabase's
 * linter also names personal data (ssn, card_number) but only on tables without RLS: so does this.
 *
 * Exposed means: in a schema the Data API serves, readable by an API role, and on rows of other users.
 * A table whose SELECT policies for that role each restrict it to the user's own row (`user_id =
 * (select auth.uid())`) shows each user their own token only: not a leak.
 */
import 'server-only';
import { sql } from 'kysely';
import type { Advisor } from '@/lib/inspect/advisors/advisor';
import type { ObjectRow } from '@/lib/inspect/advisors/types';
import { API_ROLES_CTE, EXPOSED_SCHEMAS_CTE, productSchema } from '@/lib/inspect/advisors/sql';

export const SECRET_COLUMN =
  '(^|_)(pass(word|wd|phrase)?|pwd|secret|secret_?key|client_?secret|api_?key|auth_?key|private_?key|signing_?key|encryption_?key'
  + '|token|jwt|access_?token|refresh_?token|auth_?token|oauth_?token|bearer_?token|session_?(token|key|secret)|auth_?code'
  + '|otp(_?code|_?secret)?|totp(_?secret)?|one_?time_?(code|password)|verification_?code|recovery_?codes?|backup_?codes?'
  + '|two_?factor(_?secret)?|2fa_?(secret|code)|mfa_?secret|reset_?code|(pgp|gpg|ssh)_?key|(license|activation)_?key)'
  + '(_hash|_hashed|_encrypted|_digest)?$';

/** What every name SECRET_COLUMN or FRAMEWORK_COLUMN matches contains (a cheap LIKE before the regex). */
const SECRET_PARTS = ['%pass%', '%pwd%', '%secret%', '%key%', '%token%', '%jwt%', '%code%', '%otp%', '%factor%', '%2fa%', '%digest%'];

/** Framework tables whose secret is a column with a plain name: DRF's authtoken_token.key, django-otp's devices' key, Knox's digest. */
const FRAMEWORK_TABLE = '(^|_)(authtoken|knox_authtoken|otp_[a-z]+|[a-z]*device)(_|$)';
const FRAMEWORK_COLUMN = ['key', 'digest', 'token_key'];

/** Supabase's sensitive names for tables without RLS (lint 0023), beyond the credentials above. */
const PERSONAL_DATA = [
  'session_id', 'ssn', 'social_security', 'social_security_number', 'driver_license', 'drivers_license', 'license_number',
  'passport_number', 'passport_id', 'national_id', 'tax_id', 'credit_card', 'card_number', 'cvv', 'cvc', 'cvn',
  'bank_account', 'account_number', 'routing_number', 'iban', 'swift_code', 'bic', 'health_record', 'medical_record',
  'patient_id', 'insurance_number', 'health_insurance', 'medical_insurance', 'treatment', 'mac_address', 'macaddr', 'imei',
  'device_uuid', 'certificate', 'facial_recognition',
];

const UID = String.raw`(\( SELECT auth\.uid\(\) AS uid\)|auth\.uid\(\))`;
const COLUMN = String.raw`("[^"]+"|[a-z_][a-z0-9_$]*)`;
const CAST = String.raw`(::[a-z ]+)?`;
/**
 * A policy expression (pg_get_expr) that admits only the user's own rows: an `owner = auth.uid()`
 * equality on a column of the table (either side, wrapped or cast), AND-ed with anything else but
 * never OR-ed, and no other sub-select that could reach further.
 */
const OWN_ROW = `(^|[( ])${COLUMN}\\)*${CAST} = \\(*${UID}\\)*${CAST}|${UID}\\)*${CAST} = \\(*${COLUMN}([) ]|$)`;
const ownRowOnly = (expr: ReturnType<typeof sql>) => sql`(${expr} !~ ' OR '
    and regexp_replace(${expr}, ${String.raw`\( SELECT auth\.uid\(\) AS uid\)`}, 'UID', 'g') !~ 'SELECT'
    and ${expr} ~ ${OWN_ROW})`;

/** The policy applies to the API role `ar`: PUBLIC, or a role it has the privileges of. */
const APPLIES = sql`(0 = any(p.polroles) or p.polroles && ar.reach)`;

export const SECRET_COLUMN_ADVISOR: Advisor = {
  id: 'secret_column_exposed',
  name: 'Secret-looking column readable by the API',
  level: 'error',
  category: 'security',
  why: 'Passwords, tokens and keys readable through the API leak with any SELECT the policies allow.',
  fix: 'Move the column to a private schema or REVOKE SELECT (column) FROM anon, authenticated.',
  costly: true,
  // The names first (a regex over the columns of product schemas), then privileges and the policies of those tables only.
  run: async (db) => (await sql<ObjectRow>`with ${API_ROLES_CTE}, ${EXPOSED_SCHEMAS_CTE},
      named as materialized (
        select c.oid as relid, c.relname, c.relkind, c.relrowsecurity, n.oid as nspoid, n.nspname, a.attnum, a.attname
          from pg_catalog.pg_attribute a
          join pg_catalog.pg_class c on c.oid = a.attrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped and ${productSchema()}
           -- CASE: LIKE spares most columns the slower case-insensitive regex
           and case when lower(a.attname) like any (${sql.val(SECRET_PARTS)}::text[])
                    then a.attname ~* ${SECRET_COLUMN} or (c.relname ~* ${FRAMEWORK_TABLE} and a.attname = any(${sql.val(FRAMEWORK_COLUMN)}::text[]))
                    when c.relkind = 'r' and not c.relrowsecurity
                    then replace(lower(a.attname), '-', '_') = any(${sql.val(PERSONAL_DATA)}::text[])
                    else false end),
      pol as materialized (
        select p.polrelid, p.polroles, p.polpermissive, ${ownRowOnly(sql`coalesce(pg_get_expr(p.polqual, p.polrelid), '')`)} as own
          from pg_catalog.pg_policy p
         where p.polcmd in ('r', '*') and p.polrelid in (select relid from named where relrowsecurity))
      select quote_ident(c.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(c.attname) as object,
             quote_ident(c.nspname) || '.' || quote_ident(c.relname) as "table", null::text[] as related,
             'readable by ' || string_agg(ar.rolname, ', ' order by ar.rolname)
               || case when c.relkind in ('r', 'p') and c.relrowsecurity then ' on other users'' rows (RLS lets them through)' else '' end as detail
        from named c
        join api_roles ar on has_schema_privilege(ar.oid, c.nspoid, 'USAGE') and has_column_privilege(ar.oid, c.relid, c.attnum, 'SELECT')
       where c.nspoid in (select oid from exposed_schemas)
         -- Under RLS the role reaches other users' rows through a permissive policy that is not
         -- own-row-only, unless a restrictive one limits it to its own.
         and (c.relkind not in ('r', 'p') or not c.relrowsecurity or ar.rolbypassrls
              or (exists (select 1 from pol p where p.polrelid = c.relid and p.polpermissive and not p.own and ${APPLIES})
                  and not exists (select 1 from pol p where p.polrelid = c.relid and not p.polpermissive and p.own and ${APPLIES})))
       group by c.nspname, c.relname, c.relkind, c.relrowsecurity, c.attname order by 1`.execute(db)).rows,
};
