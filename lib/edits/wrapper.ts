/**
 * The one preview/commit pair every guarded edit goes through (lib/edits/actions.ts exposes it as
 * server actions): look the edit up by name, authorize with that edit's own capability, parse the
 * submission once, run the kernel, revalidate the pages the edit changes. Its dependencies on the
 * request (session, request id, cache) are arguments, so the tests run this very code.
 */
import 'server-only';
import { z } from 'zod';
import type { StaffContext } from '@/lib/auth/staff';
import type { Capability } from '@/lib/auth/permissions';
import { commitEdit, previewEdit, type GuardOptions } from '@/lib/guard/kernel';
import { guarded, type ActionResult } from '@/lib/guard/action-result';
import { editMeta, isEditName, type EditName } from '@/lib/edits/catalog';
import { editOutcome } from '@/lib/edits/outcome';
import { editNamed } from '@/lib/edits/registry';
import type { CommitView, PreviewView } from '@/lib/edits/views';
import { getDb, read } from '@/db/index';
import { activeMapping } from '@/lib/mapping';
import { nameTargets } from '@/lib/edits/target-names';
import { targetKey } from '@/lib/edits/target-key';

export interface EditActionDeps {
  /** The signed-in staff member, if their role has the capability (authorizeAction). */
  authorize(capability: Capability): Promise<{ ok: true; staff: StaffContext } | { ok: false; error: string }>;
  requestId(): Promise<string>;
  /** Marks pages stale after a commit. */
  revalidate(paths: readonly string[]): void;
  /** For tests: the database and the token secret. */
  guard?: Pick<GuardOptions, 'db' | 'secret'>;
}

const submissionSchema = z.object({
  input: z.record(z.string(), z.unknown()),
  reason: z.unknown(),
  token: z.unknown(),
  idempotencyKey: z.unknown(),
});

const UNKNOWN = 'Unknown edit; nothing was written.';
/** Pages every edit touches: the audit log and, above a threshold, the approvals queue. */
const ALWAYS = ['/audit', '/approvals'];

function lookup(name: unknown) {
  if (!isEditName(name)) return undefined;
  const edit = editNamed(name);
  return edit ? { name: name as EditName, edit, pages: editMeta(name).pages } : undefined;
}

export function editActions(deps: EditActionDeps) {
  return {
    async preview(name: unknown, input: unknown): Promise<ActionResult<{ preview: PreviewView; token: string }>> {
      const found = lookup(name);
      if (!found) return { ok: false, error: UNKNOWN };
      const { edit } = found;
      const auth = await deps.authorize(edit.capability);
      if (!auth.ok) return auth;
      return guarded(async () => {
        const { preview, token } = await previewEdit(edit, auth.staff, input, { ...deps.guard });
        const names = await read((trx) => nameTargets(trx, activeMapping(), auth.staff, [preview.target]), {}, deps.guard?.db ?? getDb())
          .catch(() => ({}) as Record<string, undefined>);
        const targetName = names[targetKey(preview.target)];
        return { preview: { target: preview.target, ...(targetName ? { targetName } : {}), changes: preview.changes, needsApproval: preview.needsApproval, notes: preview.notes }, token };
      });
    },

    async commit(name: unknown, submission: unknown): Promise<ActionResult<CommitView>> {
      const found = lookup(name);
      if (!found) return { ok: false, error: UNKNOWN };
      const { name: editName, edit, pages } = found;
      const auth = await deps.authorize(edit.capability);
      if (!auth.ok) return auth;
      const s = submissionSchema.safeParse(submission);
      if (!s.success) return { ok: false, error: 'The edit arrived malformed; nothing was written.' };
      const { input, reason, token, idempotencyKey } = s.data;
      const result = await guarded(async () => {
        const r = await commitEdit(edit, auth.staff, { ...input, reason }, token, idempotencyKey, {
          ...deps.guard,
          requestId: await deps.requestId(),
        });
        const parsed = edit.input.safeParse(input);
        const outcome = editOutcome(editName, edit.label, parsed.success ? parsed.data : input, r);
        return { status: r.status, repeated: r.repeated, outcome } satisfies CommitView;
      });
      if (result.ok) deps.revalidate([...pages, ...ALWAYS]);
      return result;
    },
  };
}
