/**
 * The advisor catalogue's shapes. An advisor is one check; a finding is that check's verdict on one
 * database, with every object it applies to grouped under it (3,000 tables missing the same thing are
 * one finding with 3,000 objects).
 */
export const LEVELS = ['error', 'warning', 'info'] as const;
export type Level = (typeof LEVELS)[number];
export const CATEGORIES = ['security', 'performance', 'integrity'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface AdvisorInfo {
  /** Stable id, used by suppressions and `kontor lint --json`. */
  id: string;
  name: string;
  level: Level;
  category: Category;
  /** One sentence: why it matters. */
  why: string;
  /** One sentence: what to do. */
  fix: string;
}

export interface FindingObject {
  /** Unique within the advisor: what a suppression names (e.g. `public.tasks` or `public.tasks/"Own rows"`). */
  object: string;
  /** The table it is about, schema-qualified, when there is one. */
  table: string | null;
  /** Other objects involved (the twin of a duplicate index, the view's base table). */
  related: string[];
  detail: string;
  /** The statement to copy that fixes it (Kontor runs none). */
  sql: string;
}

export interface Finding extends AdvisorInfo {
  objects: FindingObject[];
  /** Objects hidden by an active suppression (not counted in `objects`). */
  suppressed: (FindingObject & { suppressionId: string; wholeAdvisor: boolean; reason: string; expiresAt: Date })[];
}

/** The row every advisor query returns. */
export interface ObjectRow {
  object: string;
  table: string | null;
  related: string[] | null;
  detail: string;
  /** The fix as SQL when the query knows it exactly (else fix-sql.ts writes it). */
  sql?: string | null;
}
