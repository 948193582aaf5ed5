/**
 * Kept only for lib/domain/reconcile/export.ts (outside this change): the parser is lib/table-query.ts.
 * Remove once that file imports '@/lib/table-query'.
 */
export { parseTableQuery, type SearchParams, type TableQuery, type TableSpec } from '@/lib/table-query';
