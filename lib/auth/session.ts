/**
 * The two sign-in paths behind one interface. Each function takes the configuration, the cookie jar
 * and (where it needs one) the database, so the whole flow runs in tests without a Next request;
 * lib/auth/server.ts supplies the real ones.
 */
import 'server-only';
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import {
  AuthConfigError,
  demoSessionCookie,
  DEMO_SESSION_COOKIE,
  issueDemoSession,
  verifyDemoCredentials,
  verifyDemoSession,
  NOT_LOCAL_MESSAGE,
  type DemoRefusal,
} from '@/lib/auth/demo';
import { finishSignInAttempt, rateLimitMessage, startSignInAttempt } from '@/lib/auth/rate-limit';
import { isLocalDatabase } from '@/lib/env';
import { loadStaff, type Identity, type StaffContext } from '@/lib/auth/staff';
import { checkSession, openSession, revokeSession, serverSessionCookie, SERVER_SESSION_COOKIE } from '@/lib/auth/server-sessions';
import {
  createSupabaseClient,
  signInWithSupabase,
  signOutOfSupabase,
  verifySupabaseClaims,
  verifySupabaseUser,
  type CookieJar,
  type SupabaseConfig,
} from '@/lib/auth/supabase';

export type AuthConfig = (
  | { mode: 'demo'; secret: string | undefined; databaseUrl: string; secure: boolean }
  | { mode: 'supabase'; supabase: SupabaseConfig }
) & {
  /** A server-side session unused this long ends (default 30 minutes). */
  idleSeconds?: number;
};

export const DEFAULT_IDLE_SECONDS = 30 * 60;

const secureCookies = (config: AuthConfig) => (config.mode === 'demo' ? config.secure : config.supabase.secure ?? false);
const sessionToken = (jar: CookieJar) => jar.getAll().find((c) => c.name === SERVER_SESSION_COOKIE)?.value;

/** The same headers @supabase/ssr sends with auth cookies: a response that sets a session is never cached. */
export const NO_STORE_HEADERS: Record<string, string> = {
  'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0',
  Expires: '0',
  Pragma: 'no-cache',
};

/** One message for a wrong password, an unknown email and a non-staff account: nothing to enumerate. */
export const SIGN_IN_REFUSED =
  'Those details did not sign you in. Check the email and password, or ask a Kontor admin for access.';

/**
 * Who signed in, verified: Kontor's cookie (demo) or the Supabase JWT by signature (getClaims).
 * `confirm` also asks the Supabase Auth server (getUser), which knows about sign-outs: use it before writes.
 */
export async function identify(
  config: AuthConfig,
  jar: CookieJar,
  { confirm = false }: { confirm?: boolean } = {},
): Promise<Identity | null> {
  if (config.mode === 'demo') {
    if (!isLocalDatabase(config.databaseUrl)) return null;
    const token = jar.getAll().find((c) => c.name === DEMO_SESSION_COOKIE)?.value;
    return verifyDemoSession(token, config.secret);
  }
  const supabase = createSupabaseClient(config.supabase, jar);
  return confirm ? verifySupabaseUser(supabase) : verifySupabaseClaims(supabase);
}

/**
 * identify(), and then the server-side session beside the cookie: it must stand (not signed out, not
 * revoked by a role change or removal, not idle) for the same user. What every console request uses.
 */
export async function authenticate(
  config: AuthConfig,
  db: Kysely<KontorDatabase>,
  jar: CookieJar,
  { confirm = false, log = (line: string) => console.warn(line) }: { confirm?: boolean; log?: (line: string) => void } = {},
): Promise<Identity | null> {
  const identity = await identify(config, jar, { confirm });
  if (!identity) return null;
  const check = await checkSession(db, sessionToken(jar), identity.userId, { idleSeconds: config.idleSeconds ?? DEFAULT_IDLE_SECONDS });
  if (!check.ok) {
    if (check.why !== 'missing') log(`[kontor auth] session refused for ${JSON.stringify(identity.email)}: ${check.why}`);
    return null;
  }
  return identity;
}

export type SignInRefusal = DemoRefusal | 'invalid-credentials' | 'not-local' | 'misconfigured' | 'rate-limited';
export type SignInResult =
  | { ok: true; staff: StaffContext }
  | { ok: false; reason: SignInRefusal; message: string };

export interface SignInOptions {
  /** Where the refusal reason goes: the person signing in only ever sees SIGN_IN_REFUSED. */
  log?: (line: string) => void;
  /** The client's network address, for the per-address rate limit. */
  address?: string | null;
}

export async function signIn(
  config: AuthConfig,
  db: Kysely<KontorDatabase>,
  jar: CookieJar,
  credentials: { email: string; password: string },
  { log = (line) => console.warn(line), address = null }: SignInOptions = {},
): Promise<SignInResult> {
  const refuse = (reason: SignInRefusal, message = SIGN_IN_REFUSED): SignInResult => {
    log(`[kontor auth] sign-in refused for ${JSON.stringify(credentials.email)}${address ? ` from ${address}` : ''}: ${reason}`);
    return { ok: false, reason, message };
  };
  // Refused before anything is counted or checked: demo accounts on a database elsewhere.
  if (config.mode === 'demo' && !isLocalDatabase(config.databaseUrl)) return refuse('not-local', NOT_LOCAL_MESSAGE);

  const attempt = await startSignInAttempt(db, { email: credentials.email, address });
  if (!attempt.ok) return refuse('rate-limited', rateLimitMessage(attempt));
  let result: SignInResult | undefined;
  try {
    result = await checkCredentials(config, db, jar, credentials, refuse);
    return result;
  } finally {
    await finishSignInAttempt(db, attempt.attemptId, result?.ok ?? false);
  }
}

async function checkCredentials(
  config: AuthConfig,
  db: Kysely<KontorDatabase>,
  jar: CookieJar,
  credentials: { email: string; password: string },
  refuse: (reason: SignInRefusal, message?: string) => SignInResult,
): Promise<SignInResult> {
  if (config.mode === 'demo') {
    try {
      const checked = await verifyDemoCredentials(db, credentials, { databaseUrl: config.databaseUrl });
      if (!checked.ok) return refuse(checked.reason);
      const token = await issueDemoSession(checked.staff, config.secret);
      const sid = await openSession(db, checked.staff.userId);
      jar.setAll([demoSessionCookie(token, { secure: config.secure }), serverSessionCookie(sid, { secure: config.secure })], NO_STORE_HEADERS);
      return { ok: true, staff: checked.staff };
    } catch (err) {
      if (err instanceof AuthConfigError) return refuse(err.reason, err.message);
      if ((err as { code?: string }).code === '42P01') {
        return refuse('misconfigured', 'Demo sign-in needs an auth.users table, which this database does not have.');
      }
      throw err;
    }
  }

  const supabase = createSupabaseClient(config.supabase, jar);
  const result = await signInWithSupabase(supabase, credentials);
  if (!result.ok) return refuse(result.reason);
  const staff = await loadStaff(db, result.identity);
  if (!staff) {
    // A valid product account that is not staff: leave no session behind.
    await signOutOfSupabase(supabase);
    return refuse('not-staff');
  }
  jar.setAll([serverSessionCookie(await openSession(db, staff.userId), { secure: secureCookies(config) })], NO_STORE_HEADERS);
  return { ok: true, staff };
}

/** Revokes the server-side session (so a copy of the cookies opens nothing), then clears the cookies. */
export async function signOut(config: AuthConfig, jar: CookieJar, db: Kysely<KontorDatabase>): Promise<void> {
  await revokeSession(db, sessionToken(jar));
  const cleared = serverSessionCookie('', { secure: secureCookies(config) });
  if (config.mode === 'demo') {
    jar.setAll([demoSessionCookie('', { secure: config.secure }), cleared], NO_STORE_HEADERS);
    return;
  }
  jar.setAll([cleared], NO_STORE_HEADERS);
  await signOutOfSupabase(createSupabaseClient(config.supabase, jar));
}
