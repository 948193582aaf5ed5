/**
 * The Advisors page's view of a run: findings filtered by level, category and text, sorted by a
 * whitelisted key and paged in memory (a catalogue run yields at most one finding per advisor), with
 * each finding's objects bounded for the browser.
 */
import { CATEGORIES, LEVELS, type Category, type Finding, type Level } from '@/lib/inspect/advisors/types';

export const FINDING_SORTS = ['level', 'category', 'objects'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];

/** Objects shown per finding; the count says how many there are. */
export const OBJECTS_SHOWN = 25;

export interface FindingRow extends Omit<Finding, 'objects' | 'suppressed'> {
  objects: Finding['objects'];
  objectCount: number;
  suppressed: (Omit<Finding['suppressed'][number], 'expiresAt'> & { expiresAt: string })[];
  suppressedCount: number;
}

export interface FindingQuery {
  level?: Level;
  category?: Category;
  q: string;
  sort: FindingSort;
  desc: boolean;
  limit: number;
  offset: number;
}

const LEVEL_RANK: Record<Level, number> = { error: 0, warning: 1, info: 2 };

export function parseLevel(v: string | undefined): Level | undefined {
  return (LEVELS as readonly string[]).includes(v ?? '') ? (v as Level) : undefined;
}

export function parseCategory(v: string | undefined): Category | undefined {
  return (CATEGORIES as readonly string[]).includes(v ?? '') ? (v as Category) : undefined;
}

export function pageFindings(findings: readonly Finding[], q: FindingQuery): { rows: FindingRow[]; total: number } {
  const text = q.q.toLowerCase();
  const matching = findings.filter(
    (f) =>
      (!q.level || f.level === q.level) &&
      (!q.category || f.category === q.category) &&
      (!text ||
        [f.id, f.name].some((s) => s.toLowerCase().includes(text)) ||
        [...f.objects, ...f.suppressed].some((o) => o.object.toLowerCase().includes(text))),
  );
  const key = (f: Finding): [number, string] =>
    q.sort === 'category'
      ? [0, `${f.category} ${LEVEL_RANK[f.level]} ${f.id}`]
      : q.sort === 'objects'
        ? [f.objects.length, f.id]
        : [LEVEL_RANK[f.level], `${f.category} ${f.id}`];
  const dir = q.desc ? -1 : 1;
  const sorted = [...matching].sort((a, b) => {
    const [an, as] = key(a);
    const [bn, bs] = key(b);
    return dir * (an - bn || as.localeCompare(bs));
  });
  return {
    total: sorted.length,
    rows: sorted.slice(q.offset, q.offset + q.limit).map((f) => ({
      ...f,
      objects: f.objects.slice(0, OBJECTS_SHOWN),
      objectCount: f.objects.length,
      suppressed: f.suppressed.slice(0, OBJECTS_SHOWN).map((s) => ({ ...s, expiresAt: new Date(s.expiresAt).toISOString() })),
      suppressedCount: f.suppressed.length,
    })),
  };
}
