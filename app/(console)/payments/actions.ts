'use server';
/** The payment page's guarded edits: dispute, refund, grant missing credits. Thin: authorize, then the kernel. */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth';
import { PAYMENT_EDITS } from '@/lib/domain/payments-edits';
import { commitEdit, previewEdit } from '@/lib/guard';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';
import type { CommitView, PreviewView } from '@/components/confirm/types';

const kindSchema = z.enum(['dispute', 'refund', 'grant']);

export async function previewPaymentEditAction(kind: unknown, input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
  const k = kindSchema.safeParse(kind);
  if (!k.success) return { ok: false, error: 'Unknown payment edit.' };
  const edit = PAYMENT_EDITS[k.data];
  const auth = await authorizeAction(edit.capability);
  if (!auth.ok) return auth;
  return guarded(async () => {
    const { preview, token } = await previewEdit(edit, auth.staff, input);
    return { preview: { target: preview.target, changes: preview.changes, needsApproval: preview.needsApproval }, token };
  });
}

export async function commitPaymentEditAction(kind: unknown, submission: unknown): Promise<ActionResult<CommitView>> {
  const k = kindSchema.safeParse(kind);
  if (!k.success) return { ok: false, error: 'Unknown payment edit.' };
  const edit = PAYMENT_EDITS[k.data];
  const auth = await authorizeAction(edit.capability);
  if (!auth.ok) return auth;
  const s = z.object({ input: z.record(z.string(), z.unknown()), reason: z.unknown(), token: z.unknown(), idempotencyKey: z.unknown() }).safeParse(submission);
  if (!s.success) return { ok: false, error: 'The edit arrived malformed; nothing was written.' };
  const result = await guarded(async () => {
    const r = await commitEdit(edit, auth.staff, { ...s.data.input, reason: s.data.reason }, s.data.token, s.data.idempotencyKey, {
      requestId: await requestId(),
    });
    return { status: r.status, repeated: r.repeated };
  });
  if (result.ok) {
    revalidatePath('/payments', 'layout');
    revalidatePath('/users', 'layout');
    revalidatePath('/approvals');
    revalidatePath('/audit');
  }
  return result;
}
