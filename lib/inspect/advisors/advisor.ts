import type { QueryExecutorProvider } from 'kysely';
import type { AdvisorInfo, ObjectRow } from '@/lib/inspect/advisors/types';
import type { IndexVerdictRow } from '@/lib/inspect/indexes';

/** Facts several advisors share within one run, read once (the index verdicts the Indexes page shows too). */
export interface RunContext {
  indexVerdicts: () => Promise<IndexVerdictRow[]>;
}

/** One check: its description and the set-based catalog query that finds what it is about. */
export interface Advisor extends AdvisorInfo {
  run: (db: QueryExecutorProvider, ctx: RunContext) => Promise<ObjectRow[]>;
}
