/**
 * What every read model is asked in: who asks (their role's capabilities, checked by the read model
 * itself) and the product's mapping as validated against the database being read. A page makes one per
 * request (app/(console)/_lib/context.ts); a test or the CLI makes its own. Read models take it as
 * their second argument, after the database: `getPayment(trx, ctx, id)`. No read model takes the mapping
 * from the process (activeMapping()): that is for the edits, which the kernel runs with no page (an
 * approval applies later, from another request), and for the background jobs.
 *
 * The computations a job, the CLI or /metrics also runs with no person asking (queue health, snapshots,
 * the catalog's tables and indexes) take the mapping alone; the page that shows them has checked its
 * capability already (pageContext), as has the layout's gate (page-gate.ts) for every path.
 */
import type { StaffContext } from '@/lib/auth/staff';
import type { Mapping } from '@/lib/mapping/schema';

export interface ReadContext {
  readonly staff: StaffContext;
  readonly mapping: Mapping;
}
