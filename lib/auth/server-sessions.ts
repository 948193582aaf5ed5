/**
 * Kontor's server-side sessions (kontor.sessions): the cookie's signature says who signed in, this row
 * says the sign-in still stands. Sign-out revokes it, a role change or removal revokes all of a staff
 * member's (a trigger on kontor.staff), and one unused for the idle time expires. The cookie holds a
 * random token; the table keeps its sha256, so a copy of the table opens nothing.
 */
import 'server-only';
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { SERVER_SESSION_COOKIE } from '@/lib/auth/constants';

export { SERVER_SESSION_COOKIE };
/** However active, a session ends after this (the demo cookie's lifetime too). */
export const SESSION_MAX_SECONDS = 8 * 60 * 60;
/** Last-seen is written at most this often, so that a page view is not a write. */
const TOUCH_EVERY_SECONDS = 60;

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** A new session for this staff member; returns the cookie's token. */
export async function openSession(db: Kysely<KontorDatabase>, staffId: string): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await sql`insert into kontor.sessions (id, staff_id, expires_at)
            values (${hashOf(token)}, ${staffId}, now() + make_interval(secs => ${SESSION_MAX_SECONDS}))`.execute(db);
  return token;
}

export type SessionCheck = { ok: true } | { ok: false; why: 'missing' | 'unknown' | 'revoked' | 'expired' | 'idle' | 'other-user' };

/**
 * Whether the session `token` stands for `staffId` (and, when it does and was last seen more than a
 * minute ago, that it was seen now). One statement; it writes only then.
 */
export async function checkSession(
  db: Kysely<KontorDatabase>,
  token: string | undefined,
  staffId: string,
  { idleSeconds }: { idleSeconds: number },
): Promise<SessionCheck> {
  if (!token) return { ok: false, why: 'missing' };
  const { rows: [r] } = await sql<{ staff_id: string; revoked: boolean; expired: boolean; idle: boolean }>`
    with s as (
      select id, staff_id::text, revoked_at is not null as revoked, expires_at <= now() as expired,
             last_seen_at <= now() - make_interval(secs => ${idleSeconds}) as idle, last_seen_at
        from kontor.sessions where id = ${hashOf(token)}
    ), touched as (
      update kontor.sessions k set last_seen_at = now() from s
       where k.id = s.id and not s.revoked and not s.expired and not s.idle
         and s.last_seen_at < now() - make_interval(secs => ${TOUCH_EVERY_SECONDS})
    )
    select staff_id, revoked, expired, idle from s`.execute(db);
  if (!r) return { ok: false, why: 'unknown' };
  if (r.staff_id !== staffId) return { ok: false, why: 'other-user' };
  if (r.revoked) return { ok: false, why: 'revoked' };
  if (r.expired) return { ok: false, why: 'expired' };
  if (r.idle) return { ok: false, why: 'idle' };
  return { ok: true };
}

/** Ends the session `token` (sign-out). */
export async function revokeSession(db: Kysely<KontorDatabase>, token: string | undefined, why = 'signed out'): Promise<void> {
  if (!token) return;
  await sql`update kontor.sessions set revoked_at = now(), revoked_why = ${why}
             where id = ${hashOf(token)} and revoked_at is null`.execute(db);
}

export function serverSessionCookie(value: string, { secure }: { secure: boolean }) {
  return {
    name: SERVER_SESSION_COOKIE,
    value,
    options: { httpOnly: true as const, sameSite: 'lax' as const, secure, path: '/' as const, maxAge: value ? SESSION_MAX_SECONDS : 0 },
  };
}
