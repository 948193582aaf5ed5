import type { QueryExecutorProvider } from 'kysely';
import type { AdvisorInfo, ObjectRow } from '@/lib/inspect/advisors/types';
import type { IndexVerdictRow } from '@/lib/inspect/indexes';
import type { Requirements } from '@/lib/inspect/advisors/sql';

/** Facts several advisors share within one run, read once (the index verdicts the Indexes page shows too). */
export interface RunContext {
  indexVerdicts: () => Promise<IndexVerdictRow[]>;
}

/** One check: its description and the set-based catalog query that finds what it is about. */
export interface Advisor extends AdvisorInfo {
  run: (db: QueryExecutorProvider, ctx: RunContext) => Promise<ObjectRow[]>;
  /** Supabase roles, schemas or tables it needs: without them it is skipped, and the run says why. */
  requires?: Requirements;
  /** It reads the index verdicts the run shares (RunContext): scheduled so that one lane reads them while the others go on. */
  readsIndexVerdicts?: true;
  /**
   * Among the costliest scans of a large schema (pg_attribute, every policy tree, every sequence):
   * scheduled right after the verdicts, so that no lane is left with a long check while the other idles.
   */
  costly?: true;
}
