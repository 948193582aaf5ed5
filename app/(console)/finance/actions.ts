'use server';
/** Finance's actions: the three ledger edits (thin: authorize, then the kernel). Starting a reconciliation: reconciliation/actions.ts. */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth';
import { adjustCredits } from '@/lib/domain/credits-adjust';
import { fixBalanceDrift, reverseLedgerEntry } from '@/lib/domain/ledger-edits';
import { commitEdit, previewEdit } from '@/lib/guard';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';
import type { CommitView, PreviewView } from '@/components/confirm/types';

const EDITS = { adjust: adjustCredits, fixDrift: fixBalanceDrift, reverse: reverseLedgerEntry } as const;
const kindSchema = z.enum(['adjust', 'fixDrift', 'reverse']);

export async function previewLedgerEditAction(kind: unknown, input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
  const auth = await authorizeAction('credits.adjust');
  if (!auth.ok) return auth;
  const k = kindSchema.safeParse(kind);
  if (!k.success) return { ok: false, error: 'Unknown ledger edit.' };
  return guarded(async () => {
    const { preview, token } = await previewEdit(EDITS[k.data], auth.staff, input);
    return { preview: { target: preview.target, changes: preview.changes, needsApproval: preview.needsApproval }, token };
  });
}

export async function commitLedgerEditAction(kind: unknown, submission: unknown): Promise<ActionResult<CommitView>> {
  const auth = await authorizeAction('credits.adjust');
  if (!auth.ok) return auth;
  const k = kindSchema.safeParse(kind);
  const s = z.object({ input: z.record(z.string(), z.unknown()), reason: z.unknown(), token: z.unknown(), idempotencyKey: z.unknown() }).safeParse(submission);
  if (!k.success || !s.success) return { ok: false, error: 'The edit arrived malformed; nothing was written.' };
  const result = await guarded(async () => {
    const r = await commitEdit(EDITS[k.data], auth.staff, { ...s.data.input, reason: s.data.reason }, s.data.token, s.data.idempotencyKey, {
      requestId: await requestId(),
    });
    return { status: r.status, repeated: r.repeated };
  });
  if (result.ok) revalidatePath('/finance', 'layout');
  return result;
}
