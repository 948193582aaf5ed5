/**
 * Runs before every page: refreshes the Supabase session (writing the rotated cookies and the no-store
 * headers onto the response) and sends visitors without a session to /login?next=<page>.
 *
 * Optimistic only. It checks that a session exists, not that it belongs to staff or allows anything:
 * every page and action still calls requireStaff / authorizeAction itself.
 */
import { isAuthRetryableFetchError } from '@supabase/supabase-js';
import { NextResponse, type NextRequest } from 'next/server';
import { DEMO_SESSION_COOKIE, PATH_HEADER } from '@/lib/auth/constants';
import { loginPath } from '@/lib/auth/redirect';
import { createSupabaseClient } from '@/lib/auth/supabase';
import { authMode, env } from '@/lib/env';
import { contentSecurityPolicy, newNonce } from '@/lib/security-headers';

function isPublic(pathname: string) {
  return pathname === '/login' || pathname.startsWith('/login/') || pathname === '/metrics'; // /metrics checks its own bearer token
}

export async function proxy(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  const csp = contentSecurityPolicy(newNonce(), { dev: env.NODE_ENV === 'development' });
  // Rebuilt after a refresh so that this request's own render sees the new cookies too.
  const forward = () => {
    const headers = new Headers(request.headers);
    headers.set(PATH_HEADER, path); // overwrites whatever the client sent
    headers.set('Content-Security-Policy', csp); // Next takes the nonce for its scripts from here
    const next = NextResponse.next({ request: { headers } });
    next.headers.set('Content-Security-Policy', csp);
    return next;
  };
  let response = forward();
  let signedIn: boolean;

  const url = env.NEXT_PUBLIC_SUPABASE_URL;
  const key = env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY;
  if (authMode() === 'supabase' && url && key) {
    // createSupabaseClient is createServerClient with Kontor's cookie options (httpOnly, secure in production).
    const supabase = createSupabaseClient({ url, publishableKey: key, secure: env.NODE_ENV === 'production' }, {
      getAll: () => request.cookies.getAll(),
      setAll(cookiesToSet, headers) {
        for (const { name, value } of cookiesToSet) request.cookies.set(name, value);
        response = forward();
        for (const { name, value, options } of cookiesToSet) response.cookies.set(name, value, options);
        for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      },
    });
    // Nothing between createServerClient and getClaims: getClaims is what refreshes the session.
    const { data, error } = await supabase.auth.getClaims();
    // Auth unreachable is not "signed out": let the page's own check report it.
    signedIn = Boolean(data?.claims) || (error !== null && isAuthRetryableFetchError(error));
  } else {
    signedIn = request.cookies.has(DEMO_SESSION_COOKIE);
  }

  const navigating = request.method === 'GET' || request.method === 'HEAD';
  if (signedIn || isPublic(request.nextUrl.pathname) || !navigating) return response;

  // Keep what the refresh wrote (cleared cookies, no-store headers) on the redirect.
  const redirect = NextResponse.redirect(new URL(loginPath(path), request.url));
  for (const cookie of response.cookies.getAll()) redirect.cookies.set(cookie);
  for (const name of ['Cache-Control', 'Expires', 'Pragma', 'Content-Security-Policy']) {
    const value = response.headers.get(name);
    if (value) redirect.headers.set(name, value);
  }
  return redirect;
}

export const config = {
  // Not for static files, image optimisation or metadata files.
  matcher: ['/((?!_next/static|_next/image|favicon\\.ico|robots\\.txt|sitemap\\.xml|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|css|js|map|txt)$).*)'],
};
