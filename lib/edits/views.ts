/** What the edit actions return to the browser (types only: client components import them). */
import type { ActionResult } from '@/lib/guard/action-result';
import type { Change } from '@/lib/guard/diff';
import type { EditOutcome } from '@/lib/edits/outcome';
import type { TargetName } from '@/lib/edits/target-key';
import type { EditNote } from '@/lib/guard/note';

export type { ActionResult };

/** The part of the kernel's preview the browser gets. */
export interface PreviewView {
  target: { type: string; id: string };
  /** What the target is called (an email, an order number), when it has a name. */
  targetName?: TargetName;
  changes: Change[];
  needsApproval: boolean;
  notes?: EditNote[];
}

/** What a commit did, and what staff are told of it ("Refunded $12.00", audit #123 / request #45). */
export type CommitView = { status: 'applied' | 'pending'; repeated: boolean; outcome: EditOutcome };

/** What ConfirmDialog sends to commitEditAction. */
export interface EditSubmission {
  input: Record<string, unknown>;
  reason: string;
  token: string;
  idempotencyKey: string;
}
