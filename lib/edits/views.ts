/** What the edit actions return to the browser (types only: client components import them). */
import type { ActionResult } from '@/lib/guard/action-result';
import type { Change } from '@/lib/guard/diff';
import type { EditNote } from '@/lib/guard/note';

export type { ActionResult };

/** The part of the kernel's preview the browser gets. */
export interface PreviewView {
  target: { type: string; id: string };
  changes: Change[];
  needsApproval: boolean;
  notes?: EditNote[];
}

export type CommitView = { status: 'applied' | 'pending'; repeated: boolean };

/** What ConfirmDialog sends to commitEditAction. */
export interface EditSubmission {
  input: Record<string, unknown>;
  reason: string;
  token: string;
  idempotencyKey: string;
}
