/**
 * A list's state as the client shell needs it: its shape, the page sizes, and the URL for a change.
 * No imports: the parsing (zod) stays in query.ts, on the server.
 */
export interface TableQuery<S extends string = string> {
  /** 1-based. */
  page: number;
  pageSize: number;
  sort: { id: S; desc: boolean };
  /** Free-text filter, trimmed; '' when none. */
  q: string;
  /** Offset for SQL: (page - 1) * pageSize. */
  offset: number;
}

export const DEFAULT_PAGE_SIZES = [25, 50, 100] as const;

export type SearchParams = Record<string, string | string[] | undefined>;

/** The URL for a changed query, keeping unrelated parameters (other lists, filters) as they are. */
export function tableHref(
  pathname: string,
  current: URLSearchParams,
  change: Partial<{ sort: string; desc: boolean; page: number; pageSize: number; q: string }>,
  prefix = '',
): string {
  const next = new URLSearchParams(current);
  const set = (name: string, value: string | undefined) => {
    if (value === undefined || value === '') next.delete(`${prefix}${name}`);
    else next.set(`${prefix}${name}`, value);
  };
  if (change.sort !== undefined) set('sort', change.sort);
  if (change.desc !== undefined) set('dir', change.desc ? 'desc' : 'asc');
  if (change.pageSize !== undefined) set('size', String(change.pageSize));
  if (change.q !== undefined) set('q', change.q);
  // A new order, size or filter starts again at page 1.
  const page = change.page ?? (change.sort !== undefined || change.pageSize !== undefined || change.q !== undefined ? 1 : undefined);
  if (page !== undefined) set('page', page > 1 ? String(page) : undefined);
  const qs = next.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}
