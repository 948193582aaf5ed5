/**
 * The tally of one concept's score for one table (discover.ts): points for each piece of structure it
 * has, with the reason, what it lacks that the concept cannot do without, and the mapping entry it
 * would be; and the helpers every concept's scorer shares.
 */
import type { ConceptName } from '@/lib/mapping/schema';
import type { CatalogColumn, CatalogTable } from '@/lib/mapping/catalog';
import { findColumn, isNumeric, isTextual, keyColumn } from '@/lib/mapping/discover-columns';

export interface Context {
  tables: CatalogTable[];
  /** For each table, the tables whose foreign keys point at it (referencesIndex). */
  referencedBy: Map<string, string[]>;
  /** The tables already chosen, by concept. */
  chosen: Partial<Record<ConceptName, CatalogTable>>;
}

export interface Tally {
  ok: boolean;
  points: number;
  /** Accepted at this many points (with nothing it needs missing). */
  min: number;
  max: number;
  /** 1 when the table has the concept's usual name exactly ("payments", "jobs"): ties go to it. */
  exactName: number;
  /** Named like the concept: such a table is named among the near misses, however weak its structure. */
  namedLike: boolean;
  reasons: string[];
  needs: string[];
  spec: Record<string, unknown>;
}

export class Score {
  points = 0;
  reasons: string[] = [];
  needs: string[] = [];
  columns: Record<string, string> = {};
  namedLike = false;
  constructor(readonly t: CatalogTable, readonly max: number, readonly min: number) {}
  add(points: number, reason: string) {
    this.points += points;
    this.reasons.push(points < 0 ? `${reason} (${points})` : reason);
  }
  /** Maps `semantic` to the column when there is one; `points` and `reason` when given. */
  col(semantic: string, c: CatalogColumn | undefined, points = 0, reason?: string): CatalogColumn | undefined {
    if (!c) return undefined;
    this.columns[semantic] ??= c.name;
    if (points || reason) this.add(points, reason ?? `${semantic} ${c.name}`);
    return c;
  }
  named(re: RegExp, points: number, what: string) {
    if (!re.test(this.t.name.toLowerCase())) return;
    this.namedLike = true;
    this.add(points, `named like ${what}`);
  }
  need(what: string, c: unknown) {
    if (!c) this.needs.push(what);
  }
  done(exact: RegExp, extra: Record<string, unknown> = {}): Tally {
    const key = keyColumn(this.t);
    if (!key && !extra.keyOptional) this.needs.push('a key column');
    const name = this.t.name.toLowerCase();
    const { keyOptional: _, ...rest } = extra;
    return {
      ok: !this.needs.length, points: this.points, min: this.min, max: this.max, exactName: Number(exact.test(name)), namedLike: this.namedLike,
      reasons: this.reasons, needs: this.needs,
      spec: { table: { schema: this.t.schema, name: this.t.name }, ...(key ? { key: key.name } : {}), columns: this.columns, ...rest },
    };
  }
}

export const has = (values: string[], words: string[]) => values.filter((v) => words.includes(v));

export const flat = (o: Record<string, string[]>) => Object.values(o).flat();

const STATUS = [/^(status|state)$/, /_status$/, /_state$/, /status/];
export const statusColumn = (t: CatalogTable) => findColumn(t, ['status', 'state'], STATUS, isTextual);
export const TYPE = ['type', 'kind', 'entry_type', 'transaction_type', 'category', 'reason', 'source'];
/** A numeric column that may hold money or credits: not a key, a reference, or a count of something else. */
export const amountish = (c: CatalogColumn) =>
  isNumeric(c) && !c.pk && !c.references && !/tokens?|count|quantity|qty|seconds|duration|_ms$|size|bytes|attempts?|retries|percent|rate/.test(c.name.toLowerCase());

