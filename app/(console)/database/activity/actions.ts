'use server';
/** The Activity page's guarded edit: cancel a session's query or terminate it. Thin: authorize, then the kernel. */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth';
import { commitEdit, previewEdit } from '@/lib/guard';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';
import { signalBackend } from '@/lib/inspect/terminate';
import type { CommitView, PreviewView } from '@/components/confirm/types';

export async function previewSignalBackendAction(input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
  const auth = await authorizeAction('database.terminate');
  if (!auth.ok) return auth;
  return guarded(async () => {
    const { preview, token } = await previewEdit(signalBackend, auth.staff, input);
    return { preview: { target: preview.target, changes: preview.changes, needsApproval: preview.needsApproval }, token };
  });
}

export async function commitSignalBackendAction(submission: unknown): Promise<ActionResult<CommitView>> {
  const auth = await authorizeAction('database.terminate');
  if (!auth.ok) return auth;
  const s = z.object({ input: z.record(z.string(), z.unknown()), reason: z.unknown(), token: z.unknown(), idempotencyKey: z.unknown() }).safeParse(submission);
  if (!s.success) return { ok: false, error: 'The edit arrived malformed; nothing was sent.' };
  const result = await guarded(async () => {
    const r = await commitEdit(signalBackend, auth.staff, { ...s.data.input, reason: s.data.reason }, s.data.token, s.data.idempotencyKey, {
      requestId: await requestId(),
    });
    return { status: r.status, repeated: r.repeated };
  });
  if (result.ok) revalidatePath('/database/activity');
  return result;
}
