'use server';
/** The user page's guarded edit: add a staff note. Thin: authorize, then the kernel. */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth';
import { addUserNote } from '@/lib/domain/notes';
import { commitEdit, previewEdit } from '@/lib/guard';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';
import type { CommitView, PreviewView } from '@/components/confirm/types';
import { anyRowKey } from '@/lib/mapping/keys';

export async function previewNoteAction(input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
  const auth = await authorizeAction('users.note');
  if (!auth.ok) return auth;
  return guarded(async () => {
    const { preview, token } = await previewEdit(addUserNote, auth.staff, input);
    return { preview: { target: preview.target, changes: preview.changes, needsApproval: preview.needsApproval }, token };
  });
}

export async function commitNoteAction(submission: unknown): Promise<ActionResult<CommitView>> {
  const auth = await authorizeAction('users.note');
  if (!auth.ok) return auth;
  const s = z.object({ input: z.record(z.string(), z.unknown()), reason: z.unknown(), token: z.unknown(), idempotencyKey: z.unknown() }).safeParse(submission);
  if (!s.success) return { ok: false, error: 'The edit arrived malformed; nothing was written.' };
  const result = await guarded(async () => {
    const r = await commitEdit(addUserNote, auth.staff, { ...s.data.input, reason: s.data.reason }, s.data.token, s.data.idempotencyKey, {
      requestId: await requestId(),
    });
    return { status: r.status, repeated: r.repeated };
  });
  if (result.ok) {
    const userId = typeof s.data.input.userId === 'string' && anyRowKey.safeParse(s.data.input.userId).success ? s.data.input.userId : null;
    if (userId) revalidatePath(`/users/${userId}`);
    revalidatePath('/audit');
  }
  return result;
}
