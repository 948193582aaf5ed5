'use server';
/** Approve or reject a pending request. Thin: authorize, then the kernel (which checks approveCapability). */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth';
import { decideApproval } from '@/lib/guard';
import { EDIT_REGISTRY } from '@/lib/edits/registry';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';

export async function decideApprovalAction(
  _previous: ActionResult<{ status: string }> | null,
  form: FormData,
): Promise<ActionResult<{ status: string }>> {
  const auth = await authorizeAction('approvals.read');
  if (!auth.ok) return auth;
  const parsed = z
    .object({ id: z.string(), decision: z.enum(['approve', 'reject'], { error: 'Choose approve or reject.' }), reason: z.string() })
    .safeParse({ id: form.get('id'), decision: form.get('decision'), reason: form.get('reason') });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0].message };
  const result = await guarded(async () => {
    const r = await decideApproval(EDIT_REGISTRY, auth.staff, parsed.data.id, parsed.data.decision, parsed.data.reason, { requestId: await requestId() });
    return { status: r.status };
  });
  if (result.ok) {
    revalidatePath('/approvals');
    revalidatePath('/audit');
  }
  return result;
}
