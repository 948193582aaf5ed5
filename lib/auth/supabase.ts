/**
 * Supabase Auth through @supabase/ssr. The session lives in the `sb-<project-ref>-auth-token` cookies
 * (chunked, `base64-` prefixed) that createServerClient reads through `getAll` and writes through
 * `setAll(cookies, headers)`. Every function takes the cookie jar, so it runs without a Next request.
 *
 * Trust: getClaims() verifies the access token's signature locally against the project's JWKS
 * (ES256) and checks `exp`; getUser() asks the Auth server, which also knows about sign-outs and
 * deleted users, so writes use it. getSession() alone trusts the cookie and is never used for a decision.
 */
import { createServerClient, type CookieOptions } from '@supabase/ssr';
import { isAuthRetryableFetchError, type SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import type { Identity } from '@/lib/auth/staff';

export interface CookieToSet {
  name: string;
  value: string;
  options: CookieOptions;
}

/** What the auth code needs from a request/response pair: the request's cookies in, cookies and headers out. */
export interface CookieJar {
  getAll(): { name: string; value: string }[];
  setAll(cookies: CookieToSet[], headers: Record<string, string>): void;
}

export interface SupabaseConfig {
  url: string;
  publishableKey: string;
  /** Secure cookies (production). */
  secure?: boolean;
}

export class AuthUnavailableError extends Error {
  override name = 'AuthUnavailableError';
}

/** One client per request: @supabase/ssr sends the no-store headers with the first cookie write only. */
export function createSupabaseClient(config: SupabaseConfig, jar: CookieJar): SupabaseClient {
  return createServerClient(config.url, config.publishableKey, {
    // Kontor has no browser Supabase client, so no script needs the session cookie: keep it from XSS.
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: config.secure ?? false, path: '/' },
    cookies: {
      getAll: () => jar.getAll(),
      setAll: (cookies, headers) => jar.setAll(cookies, headers),
    },
  });
}

const claimsSchema = z.object({
  sub: z.guid(),
  email: z.string().optional(),
  role: z.literal('authenticated'),
  is_anonymous: z.boolean().optional(),
});

function toIdentity(value: unknown): Identity | null {
  const parsed = claimsSchema.safeParse(value);
  if (!parsed.success || parsed.data.is_anonymous) return null;
  return { userId: parsed.data.sub, email: parsed.data.email ?? '' };
}

function unavailable(error: unknown): never {
  throw new AuthUnavailableError(
    `Supabase Auth cannot be reached (${error instanceof Error ? error.message : String(error)}).`,
    { cause: error },
  );
}

/**
 * The identity in the session cookie, verified by signature (getClaims refreshes an expiring session
 * first and writes the new cookies through the jar). Null: no session, expired, tampered, revoked refresh.
 * Throws AuthUnavailableError when the Auth server cannot be reached, which is not the same as signed out.
 */
export async function verifySupabaseClaims(supabase: SupabaseClient): Promise<Identity | null> {
  const { data, error } = await supabase.auth.getClaims();
  if (error) {
    if (isAuthRetryableFetchError(error)) unavailable(error);
    return null;
  }
  return data ? toIdentity(data.claims) : null;
}

/** As verifySupabaseClaims, and then asks the Auth server whether the user and session still stand. */
export async function verifySupabaseUser(supabase: SupabaseClient): Promise<Identity | null> {
  const claimed = await verifySupabaseClaims(supabase);
  if (!claimed) return null;
  const { data, error } = await supabase.auth.getUser();
  if (error) {
    if (isAuthRetryableFetchError(error)) unavailable(error);
    return null;
  }
  if (!data.user || data.user.id !== claimed.userId || data.user.is_anonymous) return null;
  return { userId: data.user.id, email: data.user.email ?? claimed.email };
}

export type SupabaseSignIn = { ok: true; identity: Identity } | { ok: false; reason: 'invalid-credentials' };

/** signInWithPassword; on success @supabase/ssr writes the session cookies (and no-store headers) to the jar. */
export async function signInWithSupabase(
  supabase: SupabaseClient,
  credentials: { email: string; password: string },
): Promise<SupabaseSignIn> {
  const { data, error } = await supabase.auth.signInWithPassword(credentials);
  if (error) {
    if (isAuthRetryableFetchError(error)) unavailable(error);
    return { ok: false, reason: 'invalid-credentials' };
  }
  // The answer came from the Auth server itself, so its user is as trustworthy as getUser()'s.
  if (!data.user || data.user.is_anonymous) return { ok: false, reason: 'invalid-credentials' };
  return { ok: true, identity: { userId: data.user.id, email: data.user.email ?? credentials.email } };
}

/** Ends this device's session at the Auth server and clears the cookies through the jar. */
export async function signOutOfSupabase(supabase: SupabaseClient): Promise<void> {
  await supabase.auth.signOut({ scope: 'local' });
}
