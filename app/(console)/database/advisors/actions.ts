'use server';
/** The Advisors page's guarded edits: suppress a finding, end a suppression. Thin: authorize, then the kernel. */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth';
import { SUPPRESSION_EDITS } from '@/lib/domain/suppressions';
import { commitEdit, previewEdit } from '@/lib/guard';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';
import type { CommitView, PreviewView } from '@/components/confirm/types';

const kindSchema = z.enum(['suppress', 'unsuppress']);

export async function previewSuppressionAction(kind: unknown, input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
  const auth = await authorizeAction('database.read');
  if (!auth.ok) return auth;
  const k = kindSchema.safeParse(kind);
  if (!k.success) return { ok: false, error: 'Unknown advisor edit.' };
  return guarded(async () => {
    const { preview, token } = await previewEdit(SUPPRESSION_EDITS[k.data], auth.staff, input);
    return { preview: { target: preview.target, changes: preview.changes, needsApproval: preview.needsApproval }, token };
  });
}

export async function commitSuppressionAction(kind: unknown, submission: unknown): Promise<ActionResult<CommitView>> {
  const auth = await authorizeAction('database.read');
  if (!auth.ok) return auth;
  const k = kindSchema.safeParse(kind);
  const s = z.object({ input: z.record(z.string(), z.unknown()), reason: z.unknown(), token: z.unknown(), idempotencyKey: z.unknown() }).safeParse(submission);
  if (!k.success || !s.success) return { ok: false, error: 'The edit arrived malformed; nothing was written.' };
  const result = await guarded(async () => {
    const r = await commitEdit(SUPPRESSION_EDITS[k.data], auth.staff, { ...s.data.input, reason: s.data.reason }, s.data.token, s.data.idempotencyKey, {
      requestId: await requestId(),
    });
    return { status: r.status, repeated: r.repeated };
  });
  if (result.ok) {
    revalidatePath('/database/advisors');
    revalidatePath('/audit');
  }
  return result;
}
