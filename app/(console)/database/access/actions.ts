'use server';
/** Test as a user and "why not?": each recorded in the audit log (lib/inspect/policies/audited.ts). */
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/index';
import { KontorDbError } from '@/db/errors';
import { authorizeAction } from '@/lib/auth';
import type { ActionResult } from '@/lib/guard/action-result';
import { requestId } from '@/lib/guard/request';
import { testAsUserAudited, whyNotAudited, AuditedTestInput, AuditedWhyNotInput } from '@/lib/inspect/policies/audited';
import { TestAsUserError, type TestAsUserResult, type WhyNotResult } from '@/lib/inspect/policies/test-as-user';

async function run<I, T>(schema: z.ZodType<I>, raw: unknown, fn: (input: I) => Promise<T>): Promise<ActionResult<T>> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error);
    return { ok: false, error: 'Check the fields marked below.', fieldErrors: flat.fieldErrors as Record<string, string[]> };
  }
  try {
    const data = await fn(parsed.data);
    revalidatePath('/audit');
    return { ok: true, data };
  } catch (err) {
    if (err instanceof TestAsUserError || err instanceof KontorDbError) return { ok: false, error: err.message };
    console.error('[kontor] test as a user failed', err);
    return { ok: false, error: 'The test failed unexpectedly; the server log has the details.' };
  }
}

export async function testAsUserAction(raw: unknown): Promise<ActionResult<TestAsUserResult>> {
  const auth = await authorizeAction('security.impersonate');
  if (!auth.ok) return auth;
  return run(AuditedTestInput, raw, async (input) => {
    const { auditId: _a, ...result } = await testAsUserAudited(auth.staff, input, { db: getDb(), requestId: await requestId() });
    return result;
  });
}

export async function whyNotAction(raw: unknown): Promise<ActionResult<WhyNotResult>> {
  const auth = await authorizeAction('security.impersonate');
  if (!auth.ok) return auth;
  return run(AuditedWhyNotInput, raw, async (input) => {
    const { auditId: _a, ...result } = await whyNotAudited(auth.staff, input, { db: getDb(), requestId: await requestId() });
    return result;
  });
}
