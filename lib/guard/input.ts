/** Parsing an edit's raw input (a forged POST is as welcome as the UI's): fields, then the reason. */
import { z } from 'zod';
import type { AnyEdit } from '@/lib/guard/define';
import { GuardError, type FieldErrors } from '@/lib/guard/errors';
import { reasonSchema } from '@/lib/guard/text';

export interface ParsedInput {
  input: unknown;
  reason: string | undefined;
}

export function parseEditInput(edit: AnyEdit, raw: unknown, { requireReason }: { requireReason: boolean }): ParsedInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GuardError('invalid', 'The edit arrived without its fields.', { _form: ['The edit arrived without its fields.'] });
  }
  const { reason: rawReason, ...fields } = raw as Record<string, unknown>;
  const fieldErrors: FieldErrors = {};
  const formErrors: string[] = [];

  const parsed = edit.input.safeParse(fields);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error);
    Object.assign(fieldErrors, flat.fieldErrors);
    formErrors.push(...flat.formErrors);
  }
  let reason: string | undefined;
  if (requireReason || rawReason !== undefined) {
    const r = reasonSchema.safeParse(rawReason ?? '');
    if (r.success) reason = r.data;
    else fieldErrors.reason = r.error.issues.map((i) => i.message);
  }
  const named = Object.entries(fieldErrors).filter(([, v]) => v?.length);
  if (named.length || formErrors.length) {
    const parts = [...named.map(([k, v]) => `${k}: ${v![0]}`), ...formErrors];
    throw new GuardError('invalid', `Check the edit — ${parts.join(' · ')}`, {
      ...Object.fromEntries(named),
      ...(formErrors.length ? { _form: formErrors } : {}),
    });
  }
  return { input: parsed.data, reason };
}
