'use server';

import { redirect } from 'next/navigation';
import { signOutStaff } from '@/lib/auth/server';

/** Ends the session. Needs no capability: anyone may sign themselves out. */
export async function signOutAction(): Promise<void> {
  await signOutStaff();
  redirect('/login');
}
