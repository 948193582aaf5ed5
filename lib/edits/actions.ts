'use server';
/** The server actions of every guarded edit: `previewEditAction(name, input)`, `commitEditAction(name, submission)` (lib/edits/wrapper.ts). */
import { refresh, revalidatePath } from 'next/cache';
import { authorizeAction } from '@/lib/auth';
import { requestId } from '@/lib/guard/request';
import { editActions } from '@/lib/edits/wrapper';
import type { ActionResult, CommitView, PreviewView } from '@/lib/edits/views';

const actions = editActions({
  authorize: authorizeAction,
  requestId,
  revalidate: (paths) => {
    for (const path of paths) revalidatePath(path, 'layout');
    // The action's own response carries the page as it is now: the dialog closes on the new state.
    refresh();
  },
});

export async function previewEditAction(name: unknown, input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
  return actions.preview(name, input);
}

export async function commitEditAction(name: unknown, submission: unknown): Promise<ActionResult<CommitView>> {
  return actions.commit(name, submission);
}
