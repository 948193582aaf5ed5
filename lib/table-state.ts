/**
 * A list's state as both sides need it: its shape, the page sizes and the search parameters it is read
 * from. No imports: the client shell (components/data-table) takes these without the parser's zod.
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
