/**
 * The URL for a change of a list's state (the client shell). Its shape is lib/table-state.ts; the
 * parsing (zod) is lib/table-query.ts, on the server.
 */
export { DEFAULT_PAGE_SIZES, type SearchParams, type TableQuery } from '@/lib/table-state';

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
  // A keyset list's position (after/before a row) means nothing in a new order or filter either.
  if (page !== undefined) { set('after', undefined); set('before', undefined); }
  const qs = next.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}
