/**
 * The gate, bound to Next: cookies from next/headers, the database from db/, configuration from
 * lib/env. Pages call requireStaff(capability); actions call authorizeAction(capability) (a typed
 * refusal) or requireStaffForWrite; the layout calls getStaff(). Nothing here decides anything that
 * lib/auth/session.ts and lib/auth/staff.ts do not already decide, and those are what the tests run.
 */
import 'server-only';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb, read } from '@/db/index';
import { classifyDbError, KontorDbError } from '@/db/errors';
import { DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { authMode, databaseUrl, env, isEmbedded, isLocalDatabase } from '@/lib/env';
import { PATH_HEADER } from '@/lib/auth/constants';
import { AuthConfigError, NOT_LOCAL_MESSAGE } from '@/lib/auth/demo';
import type { Capability, StaffRole } from '@/lib/auth/permissions';
import { loginPath } from '@/lib/auth/redirect';
import { clientAddress } from '@/lib/auth/rate-limit';
import { authenticate, signIn, signOut, type AuthConfig, type SignInResult } from '@/lib/auth/session';
import { loadStaff, type StaffContext } from '@/lib/auth/staff';
import { AuthUnavailableError, type CookieJar } from '@/lib/auth/supabase';

export function authConfig(): AuthConfig {
  const idleSeconds = env.KONTOR_SESSION_IDLE_MINUTES * 60;
  if (authMode() === 'demo') {
    return { mode: 'demo', secret: env.KONTOR_SECRET, databaseUrl: databaseUrl(), secure: env.NODE_ENV === 'production', idleSeconds };
  }
  const url = env.NEXT_PUBLIC_SUPABASE_URL;
  const publishableKey = env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY;
  if (!url || !publishableKey) {
    throw new AuthConfigError(
      'Supabase sign-in needs NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY.',
    );
  }
  return { mode: 'supabase', supabase: { url, publishableKey, secure: env.NODE_ENV === 'production' }, idleSeconds };
}

async function nextCookieJar(): Promise<CookieJar> {
  const store = await cookies();
  return {
    getAll: () => store.getAll().map(({ name, value }) => ({ name, value })),
    // `_headers` (the no-store set) cannot be set from here: Next gives Server Components and Actions no
    // response-header API. proxy.ts, where refreshes happen, sets them; and Next already marks dynamic
    // responses (any that read cookies) `private, no-store`.
    setAll(list, _headers) {
      try {
        for (const { name, value, options } of list) store.set(name, value, options);
      } catch {
        // A Server Component may not set cookies; proxy.ts has written the refreshed session already.
      }
    },
  };
}

const currentStaff = cache(async (confirm: boolean): Promise<StaffContext | null> => {
  const identity = await authenticate(authConfig(), getDb(), await nextCookieJar(), { confirm });
  return identity ? read((trx) => loadStaff(trx, identity)) : null;
});

/** The signed-in staff member, or null; never redirects. For chrome (the layout's staff badge). */
export function getStaff(): Promise<StaffContext | null> {
  return currentStaff(false);
}

export class StaffForbiddenError extends Error {
  override name = 'StaffForbiddenError';
}

function isForbiddenInterrupt(err: unknown) {
  return String((err as { digest?: unknown })?.digest ?? '').endsWith(';403');
}

function deny(capability: Capability): never {
  try {
    forbidden(); // renders forbidden.tsx with a 403 when experimental.authInterrupts is on
  } catch (err) {
    if (isForbiddenInterrupt(err)) throw err;
  }
  throw new StaffForbiddenError(`Your role may not open this part of Kontor (it needs ${capability}).`);
}

async function gate(capability: Capability, confirm: boolean): Promise<StaffContext> {
  const staff = await currentStaff(confirm);
  if (!staff) redirect(loginPath((await headers()).get(PATH_HEADER)));
  if (!staff.can(capability)) deny(capability);
  return staff;
}

/**
 * The one gate for pages and data: not signed in (or not staff) -> /login?next=<this page>;
 * signed in without `capability` -> 403. Verifies the session by signature (getClaims).
 */
export function requireStaff(capability: Capability): Promise<StaffContext> {
  return gate(capability, false);
}

/** requireStaff, and with Supabase also asks the Auth server (getUser) that the session still stands. */
export function requireStaffForWrite(capability: Capability): Promise<StaffContext> {
  return gate(capability, true);
}

export type ActionRefusal = { ok: false; error: string; fieldErrors?: Record<string, string[] | undefined> };

export function refusal(error: string, fieldErrors?: ActionRefusal['fieldErrors']): ActionRefusal {
  return fieldErrors ? { ok: false, error, fieldErrors } : { ok: false, error };
}

/**
 * For server actions that answer `{ ok: false, error }` instead of redirecting:
 * `const auth = await authorizeAction('credits.adjust'); if (!auth.ok) return auth;`
 * Confirms the session with the Auth server, as a write needs.
 */
export async function authorizeAction(
  capability: Capability,
): Promise<{ ok: true; staff: StaffContext } | ActionRefusal> {
  let staff: StaffContext | null;
  try {
    staff = await currentStaff(true);
  } catch (err) {
    // The database (or Supabase Auth) is down or busy: say so, as the edit's answer, not a bare 500.
    const problem = classifyDbError(err);
    if (problem instanceof KontorDbError || problem instanceof AuthUnavailableError) return refusal(problem.message);
    throw err;
  }
  if (!staff) return refusal('Your session has ended. Sign in again to continue.');
  if (!staff.can(capability)) return refusal(`Your role (${staff.role}) may not do this: it needs ${capability}.`);
  return { ok: true, staff };
}

/** The login action's work: verify, require staff, set the session cookie. */
export async function signInStaff(credentials: { email: string; password: string }): Promise<SignInResult> {
  let config: AuthConfig;
  try {
    config = authConfig();
  } catch (err) {
    if (err instanceof AuthConfigError) return { ok: false, reason: 'misconfigured', message: err.message };
    throw err;
  }
  return signIn(config, getDb(), await nextCookieJar(), credentials, { address: clientAddress(await headers()) });
}

export async function signOutStaff(): Promise<void> {
  await signOut(authConfig(), await nextCookieJar(), getDb());
}

export interface SignInSetup {
  mode: 'demo' | 'supabase';
  /** Why sign-in cannot work here (shown instead of the form). */
  blocked?: string;
  /** The embedded demo's accounts, shown on the login page: they exist in the demo database only. */
  demo?: { password: string; accounts: { email: string; role: StaffRole }[] };
}

/** What the login page shows: which path, whether it is usable, and the demo accounts when embedded. */
export function signInSetup(): SignInSetup {
  const mode = authMode();
  try {
    authConfig();
    if (mode === 'demo' && !isLocalDatabase()) return { mode, blocked: NOT_LOCAL_MESSAGE };
  } catch (err) {
    return { mode, blocked: err instanceof Error ? err.message : String(err) };
  }
  if (mode === 'demo' && !env.KONTOR_SECRET) {
    return { mode, blocked: 'KONTOR_SECRET must be set to at least 32 characters for demo sign-in (`npm run dev` sets one for you).' };
  }
  return mode === 'demo' && isEmbedded() ? { mode, demo: { password: DEMO_PASSWORD, accounts: DEMO_STAFF } } : { mode };
}
