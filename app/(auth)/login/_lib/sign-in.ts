/** The login form's input and answer; shared by the action (server) and the form (client). */
import { z } from 'zod';

export const signInSchema = z.object({
  email: z
    .string({ error: 'Enter your email address.' })
    .trim()
    .pipe(z.email({ error: 'Enter a valid email address.' }).max(320, { error: 'That email address is too long.' })),
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, { error: 'Enter your password.' })
    .max(1024, { error: 'That password is too long.' }),
  next: z.string().max(2048).optional(),
});

export { INITIAL_SIGN_IN_STATE, type SignInState } from '@/app/(auth)/login/_lib/sign-in-state';
