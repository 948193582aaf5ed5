/**
 * Referencing mapped tables and columns in Kysely. Names come from a mapping (ultimately from the
 * catalog), so they go through sql.id, which quotes each part and doubles embedded quotes. sql.table
 * and sql.ref would split a name on dots, and a product may well have a column called "a.b".
 */
import { sql, type RawBuilder } from 'kysely';
import type { TableRef } from '@/lib/mapping/schema';

interface Mapped {
  table: TableRef;
  key?: string;
  columns: object;
}

type ColumnName<C extends Mapped> = Extract<keyof C['columns'], string>;

/** "schema"."table", for FROM and JOIN. */
export function tableOf(concept: Mapped): RawBuilder<unknown> {
  return sql.id(concept.table.schema, concept.table.name);
}

/** The mapped column, optionally qualified by a table alias: "t"."created_at". */
export function columnOf<C extends Mapped>(concept: C, column: ColumnName<C>, alias?: string): RawBuilder<unknown> {
  const name = (concept.columns as Record<string, string | undefined>)[column];
  if (!name) throw new Error(`The mapping has no column "${column}" for ${displayTable(concept.table)}.`);
  return alias ? sql.id(alias, name) : sql.id(name);
}

/** The key column. */
export function keyOf(concept: Mapped, alias?: string): RawBuilder<unknown> {
  if (!concept.key) throw new Error(`The mapping names no key column for ${displayTable(concept.table)}.`);
  return alias ? sql.id(alias, concept.key) : sql.id(concept.key);
}

/** True when the mapping names the column and validation found it. */
export function hasColumn<C extends Mapped>(concept: C, column: ColumnName<C>): boolean {
  return Boolean((concept.columns as Record<string, string | undefined>)[column]);
}

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/** An identifier as a person would type it in psql: quoted only when it has to be. */
export function displayIdent(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export function displayTable(ref: TableRef): string {
  return `${displayIdent(ref.schema)}.${displayIdent(ref.name)}`;
}
