'use server';

import { redirect } from 'next/navigation';
import { signOutStaff } from '@/lib/auth/server';

/** Ends this browser's session (demo: clears Kontor's cookie; Supabase: signOut, scope local). No capability needed. */
export async function signOutAction(): Promise<void> {
  await signOutStaff();
  redirect('/login');
}
