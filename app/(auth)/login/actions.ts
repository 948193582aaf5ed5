'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { safeNextPath } from '@/lib/auth/redirect';
import { signInStaff } from '@/lib/auth/server';
import { signInSchema, type SignInState } from '@/app/(auth)/login/_lib/sign-in';

/**
 * Verifies the email and password (demo: against auth.users; Supabase: signInWithPassword), requires a
 * kontor.staff row, sets the session cookie and goes to `next` (same-site paths only) or `/`.
 */
export async function signInAction(previous: SignInState, formData: FormData): Promise<SignInState> {
  // `previous` comes back from the browser: only its counter is used, and only as a number.
  const attempt = (Number.isSafeInteger(previous?.attempt) ? previous.attempt : 0) + 1;
  const typed = formData.get('email');
  const email = typeof typed === 'string' ? typed.slice(0, 320) : '';
  const parsed = signInSchema.safeParse({
    email: formData.get('email'),
    password: formData.get('password'),
    next: formData.get('next') ?? undefined,
  });
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return { error: 'Check the email and password.', fieldErrors: { email: fieldErrors.email, password: fieldErrors.password }, email, attempt };
  }
  const result = await signInStaff({ email: parsed.data.email, password: parsed.data.password });
  if (!result.ok) return { error: result.message, email, attempt };
  redirect(safeNextPath(parsed.data.next));
}
