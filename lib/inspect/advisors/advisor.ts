import type { QueryExecutorProvider } from 'kysely';
import type { AdvisorInfo, ObjectRow } from '@/lib/inspect/advisors/types';

/** One check: its description and the set-based catalog query that finds what it is about. */
export interface Advisor extends AdvisorInfo {
  run: (db: QueryExecutorProvider) => Promise<ObjectRow[]>;
}
