/**
 * A list's state in the URL: ?sort=<key>&dir=asc|desc&page=<n>&size=<n>&q=<text>, optionally prefixed
 * when a page holds more than one list. The sort key is checked against the list's whitelist here,
 * so whatever reaches a query builder is one of the keys the list declared, never text from the URL.
 * Pure: server pages and lib's read models parse with it; the client shell builds hrefs with
 * components/data-table/href.ts.
 */
import { z } from 'zod';
import { withoutControl } from '@/lib/filters';
import { first } from '@/lib/format';
import { DEFAULT_PAGE_SIZES, type SearchParams, type TableQuery } from '@/lib/table-state';

export interface TableSpec<S extends string> {
  /** Sort keys the server knows how to order by; anything else in the URL falls back to the default. */
  sortable: readonly S[];
  defaultSort: { id: S; desc: boolean };
  pageSizes?: readonly number[];
  defaultPageSize?: number;
  /** URL parameter prefix, for pages with several lists ("t_" -> t_sort, t_page, ...). */
  prefix?: string;
  /** Longest filter text accepted. */
  maxFilterLength?: number;
}

export { DEFAULT_PAGE_SIZES, type SearchParams, type TableQuery } from '@/lib/table-state';

export function parseTableQuery<S extends string>(params: SearchParams, spec: TableSpec<S>): TableQuery<S> {
  const p = spec.prefix ?? '';
  const sizes = spec.pageSizes ?? DEFAULT_PAGE_SIZES;
  const defaultSize = spec.defaultPageSize ?? sizes[0];
  const get = (name: string) => first(params[`${p}${name}`]);

  const sortId = z.enum(spec.sortable as readonly [S, ...S[]]).catch(spec.defaultSort.id).parse(get('sort'));
  const dir = z.enum(['asc', 'desc']).optional().catch(undefined).parse(get('dir'));
  const page = z.coerce.number().int().min(1).max(1_000_000).catch(1).parse(get('page') ?? 1);
  const size = z.coerce.number().int().catch(defaultSize).parse(get('size') ?? defaultSize);
  const pageSize = sizes.includes(size) ? size : defaultSize;
  // A NUL byte cannot reach Postgres text (the read would fail): control characters are dropped.
  const q = withoutControl(get('q') ?? '').trim().slice(0, spec.maxFilterLength ?? 200);
  const desc = dir ? dir === 'desc' : sortId === spec.defaultSort.id ? spec.defaultSort.desc : false;
  return { page, pageSize, sort: { id: sortId, desc }, q, offset: (page - 1) * pageSize };
}
