/**
 * The SQL side of lib/money.ts: a payment amount in major units inside a query (minor units divided by
 * the row's currency exponent, for filters and revenue), and the scale credits show at, from the
 * mapping or the ledger column's type in the catalog.
 */
import 'server-only';
import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { columnOf, hasColumn, type Concept, type Mapping } from '@/lib/mapping';
import { parseColumn } from '@/lib/mapping/sql';
import { currenciesWithDigits } from '@/lib/money';

/** 10^exponent of the currency `currency` (SQL text): 1 for JPY, 1000 for KWD, 100 for the rest and for none. */
export function minorFactorSql(currency: RawBuilder<unknown> | null): RawBuilder<unknown> {
  if (!currency) return sql`100::numeric`;
  const odd = currenciesWithDigits();
  if (!odd.length) return sql`100::numeric`;
  const whens = odd.map((c) => sql`when ${sql.lit(c.code)} then ${sql.lit(String(10n ** BigInt(c.digits)))}`);
  return sql`(case upper(${currency}::text) ${sql.join(whens, sql` `)} else '100' end)::numeric`;
}

/** The payment's currency over alias `alias`, or null when the mapping has none. */
export function currencySql(payments: Concept<'payments'>, alias: string): RawBuilder<unknown> | null {
  return hasColumn(payments, 'currency') ? sql`${columnOf(payments, 'currency', alias)}::text` : null;
}

/** The payment's amount in major units (numeric), over alias `alias`: exact, as Postgres divides numerics. */
export function majorAmountSql(payments: Concept<'payments'>, alias: string): RawBuilder<unknown> {
  const amount = columnOf(payments, 'amount', alias);
  return payments.amountUnit === 'minor'
    ? sql`(${amount}::numeric / ${minorFactorSql(currencySql(payments, alias))})`
    : sql`${amount}::numeric`;
}

/** A major-units bound (a filter's) as the column stores it, for the row's currency (the column stays bare). */
export function storedBoundSql(payments: Concept<'payments'>, alias: string, major: string): RawBuilder<unknown> {
  return payments.amountUnit === 'minor'
    ? sql`(${major}::numeric * ${minorFactorSql(currencySql(payments, alias))})`
    : sql`${major}::numeric`;
}

const scales = new Map<string, number>();

/**
 * The decimals credits show with: the mapping's `ledger.scale`, else the numeric scale of the ledger's
 * amount column (of users.credits when the product keeps no ledger) as the catalog types it
 * (numeric(10,3): 3, integers: 0), else 2. Read once per column and process.
 */
export async function creditScale(db: QueryExecutorProvider, mapping: Mapping): Promise<number> {
  if (mapping.ledger?.scale !== undefined) return mapping.ledger.scale;
  const where = mapping.ledger
    ? { table: mapping.ledger.table, spec: mapping.ledger.columns.amount }
    : mapping.users?.columns.credits ? { table: mapping.users.table, spec: mapping.users.columns.credits } : null;
  if (!where) return 2;
  const p = parseColumn(where.spec);
  if (p.kind !== 'column') return 2;
  const cacheKey = JSON.stringify([where.table.schema, where.table.name, p.column]);
  const known = scales.get(cacheKey);
  if (known !== undefined) return known;
  const { rows } = await sql<{ scale: number | null }>`
    select case when a.atttypid = 'numeric'::regtype and a.atttypmod >= 4 then (a.atttypmod - 4) & 65535
                when a.atttypid in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) then 0 end as scale
      from pg_catalog.pg_attribute a
     where a.attrelid = to_regclass(quote_ident(${where.table.schema}) || '.' || quote_ident(${where.table.name}))
       and a.attname = ${p.column} and not a.attisdropped`.execute(db);
  const scale = rows[0]?.scale ?? 2;
  scales.set(cacheKey, scale);
  return scale;
}
