/**
 * Demo sign-in: Kontor checks the password against auth.users itself and issues its own session
 * cookie (an HS256 JWT signed with KONTOR_SECRET). Only for a database on this machine: the demo
 * accounts and their published password must never open a console on a shared database.
 */
import 'server-only';
import os from 'node:os';
import bcrypt from 'bcryptjs';
import { SignJWT, jwtVerify } from 'jose';
import { sql, type Kysely } from 'kysely';
import { isLocalDatabase } from '@/lib/env';
import type { KontorDatabase } from '@/db/types';
import { loadStaff, type Identity, type StaffContext } from '@/lib/auth/staff';

import { DEMO_SESSION_COOKIE } from '@/lib/auth/constants';

export { DEMO_SESSION_COOKIE };
export const DEMO_SESSION_TTL_SECONDS = 8 * 60 * 60;
const ISSUER = 'kontor';
const AUDIENCE = 'kontor-console';

export const NOT_LOCAL_MESSAGE =
  'Demo sign-in is turned off because the database is not on this machine. ' +
  'Use Supabase Auth (set NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY).';

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
  constructor(
    message: string,
    readonly reason: 'not-local' | 'misconfigured' = 'misconfigured',
  ) {
    super(message);
  }
}

function signingKey(secret: string | undefined): Uint8Array {
  if (!secret || secret.length < 32) {
    throw new AuthConfigError(
      'KONTOR_SECRET must be set to at least 32 characters for demo sign-in (`npm run dev` sets one for you).',
    );
  }
  return new TextEncoder().encode(secret);
}

export function assertLocalDatabase(databaseUrl: string) {
  if (!isLocalDatabase(databaseUrl)) throw new AuthConfigError(NOT_LOCAL_MESSAGE, 'not-local');
}

/** An address the server answered on is this machine's: a Unix socket (null), loopback, or one of its interfaces. */
export function isLocalAddress(address: string | null, interfaces = os.networkInterfaces()): boolean {
  if (address === null) return true;
  const a = address.replace(/^::ffff:/, '');
  if (a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a)) return true;
  return Object.values(interfaces).some((list) => list?.some((i) => i.address === a));
}

/**
 * Asks the server where this connection arrived (inet_server_addr()): a name that resolves
 * elsewhere, a tunnel or a pooler in front of another machine all show here, whatever the URL says.
 */
export async function assertLocalServer(db: Kysely<KontorDatabase>) {
  const { rows: [r] } = await sql<{ address: string | null }>`select host(inet_server_addr()) as address`.execute(db);
  if (!isLocalAddress(r?.address ?? null)) throw new AuthConfigError(NOT_LOCAL_MESSAGE, 'not-local');
}

export async function issueDemoSession(
  identity: Identity,
  secret: string | undefined,
  { now = new Date(), ttlSeconds = DEMO_SESSION_TTL_SECONDS } = {},
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ email: identity.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(signingKey(secret));
}

/** The identity in a Kontor session cookie, or null when it is missing, expired, tampered or foreign. */
export async function verifyDemoSession(
  token: string | undefined,
  secret: string | undefined,
  { now = new Date() } = {},
): Promise<Identity | null> {
  if (!token) return null;
  const key = signingKey(secret);
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.sub !== 'string') return null;
    return { userId: payload.sub, email: typeof payload.email === 'string' ? payload.email : '' };
  } catch {
    return null;
  }
}

export interface SessionCookie {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/'; maxAge: number };
}

export function demoSessionCookie(value: string, { secure }: { secure: boolean }): SessionCookie {
  return {
    name: DEMO_SESSION_COOKIE,
    value,
    options: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: value ? DEMO_SESSION_TTL_SECONDS : 0 },
  };
}

// Compared against when the email is unknown, so that a miss costs as long as a wrong password.
const TIMING_HASH = '$2b$10$94f8bt8wIxeYfv5spXwwPOknqU5hlSap242WgJuLgttVGgJnQl1le';

export type DemoRefusal = 'unknown-email' | 'wrong-password' | 'not-staff' | 'disabled-user';

interface AuthUserRow {
  id: string;
  email: string;
  encrypted_password: string | null;
  disabled: boolean;
}

/**
 * Checks an email and password against auth.users (bcrypt, as GoTrue stores them) and requires a
 * kontor.staff row. The reason is for the server log; the person signing in sees one message for all.
 */
export async function verifyDemoCredentials(
  db: Kysely<KontorDatabase>,
  credentials: { email: string; password: string },
  { databaseUrl }: { databaseUrl: string },
): Promise<{ ok: true; staff: StaffContext } | { ok: false; reason: DemoRefusal }> {
  assertLocalDatabase(databaseUrl);
  await assertLocalServer(db);
  // to_jsonb(u) reads deleted_at / banned_until / is_sso_user when the table has them (GoTrue's does; a bare one may not).
  const rows = await sql<AuthUserRow>`
    select u.id::text as id, u.email, u.encrypted_password,
      (to_jsonb(u) ->> 'deleted_at') is not null
        or coalesce((to_jsonb(u) ->> 'banned_until')::timestamptz > now(), false) as disabled
    from auth.users u
    where lower(u.email) = lower(${credentials.email})
      -- SSO accounts may share an email with the password account (GoTrue allows it) and have no password.
      and coalesce((to_jsonb(u) ->> 'is_sso_user')::boolean, false) = false
    limit 2`.execute(db);
  const user = rows.rows.length === 1 ? rows.rows[0] : undefined;
  const hash = user?.encrypted_password || TIMING_HASH;
  const matches = await bcrypt.compare(credentials.password, hash);
  if (!user || !user.encrypted_password) return { ok: false, reason: 'unknown-email' };
  if (!matches) return { ok: false, reason: 'wrong-password' };
  if (user.disabled) return { ok: false, reason: 'disabled-user' };
  const staff = await loadStaff(db, { userId: user.id, email: user.email });
  if (!staff) return { ok: false, reason: 'not-staff' };
  return { ok: true, staff };
}
