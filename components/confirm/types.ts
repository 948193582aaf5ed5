import type { ActionResult } from '@/lib/guard/action-result';
import type { Change } from '@/lib/guard/diff';

export type { ActionResult };

/** The part of the kernel's preview the browser gets. */
export interface PreviewView {
  target: { type: string; id: string };
  changes: Change[];
  needsApproval: boolean;
}

export type CommitView = { status: 'applied' | 'pending'; repeated: boolean };

export type PreviewAction = (input: Record<string, unknown>) => Promise<ActionResult<{ preview: PreviewView; token: string }>>;
export type CommitAction = (submission: {
  input: Record<string, unknown>;
  reason: string;
  token: string;
  idempotencyKey: string;
}) => Promise<ActionResult<CommitView>>;
