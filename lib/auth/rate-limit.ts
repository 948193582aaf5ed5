/**
 * The sign-in rate limit, per account and per client address, counted in kontor.sign_in_attempts so
 * that several console instances share it. An attempt is recorded (pending) before the password is
 * checked, under a transaction-scoped lock per account and per address: parallel guesses count too,
 * and the lock holds behind a transaction-mode pooler.
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';

export const SIGN_IN_LIMITS = {
  /** Failures of one account since its last success, within the window. */
  account: 5,
  /** Failures from one address, within the window. */
  address: 20,
  windowSeconds: 15 * 60,
};

export type RateLimited = { ok: false; scope: 'account' | 'address'; retryAfterSeconds: number };
export type AttemptStart = { ok: true; attemptId: string } | RateLimited;

export function rateLimitMessage(r: RateLimited): string {
  const minutes = Math.max(1, Math.ceil(r.retryAfterSeconds / 60));
  const what = r.scope === 'account' ? 'for this account' : 'from this network address';
  return `Too many sign-in attempts ${what}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** Records an attempt, or refuses it when the account or the address is over its limit. */
export async function startSignInAttempt(
  db: Kysely<KontorDatabase>,
  { email, address }: { email: string; address: string | null },
  limits = SIGN_IN_LIMITS,
): Promise<AttemptStart> {
  const account = email.trim().toLowerCase().slice(0, 320);
  const from = address?.slice(0, 100) || null;
  return db.transaction().execute(async (trx) => {
    // Account first, then address: every attempt takes them in this order.
    await sql`select pg_advisory_xact_lock(hashtext('kontor.sign-in.account'), hashtext(${account}))`.execute(trx);
    if (from) await sql`select pg_advisory_xact_lock(hashtext('kontor.sign-in.address'), hashtext(${from}))`.execute(trx);
    const window = sql`now() - make_interval(secs => ${limits.windowSeconds})`;
    const { rows: [c] } = await sql<{ account_n: number; account_first: number | null; address_n: number; address_first: number | null }>`
      with acct as (
        select a.at from kontor.sign_in_attempts a
         where a.email = ${account} and a.at > ${window} and a.ok is not true
           and a.at > coalesce((select max(s.at) from kontor.sign_in_attempts s where s.email = ${account} and s.ok), '-infinity')
      ), addr as (
        select a.at from kontor.sign_in_attempts a
         where ${from}::text is not null and a.address = ${from} and a.at > ${window} and a.ok is not true
      )
      select (select count(*)::int from acct) as account_n,
             (select extract(epoch from min(at) + make_interval(secs => ${limits.windowSeconds}) - now())::int from acct) as account_first,
             (select count(*)::int from addr) as address_n,
             (select extract(epoch from min(at) + make_interval(secs => ${limits.windowSeconds}) - now())::int from addr) as address_first`.execute(trx);
    if (c.account_n >= limits.account) return { ok: false, scope: 'account', retryAfterSeconds: c.account_first ?? limits.windowSeconds };
    if (c.address_n >= limits.address) return { ok: false, scope: 'address', retryAfterSeconds: c.address_first ?? limits.windowSeconds };
    await sql`delete from kontor.sign_in_attempts where email = ${account} and at < now() - interval '1 day'`.execute(trx);
    const { rows: [r] } = await sql<{ id: string }>`
      insert into kontor.sign_in_attempts (email, address) values (${account}, ${from}) returning id::text`.execute(trx);
    return { ok: true, attemptId: r.id };
  });
}

/** Settles an attempt once the password was checked. */
export async function finishSignInAttempt(db: Kysely<KontorDatabase>, attemptId: string, ok: boolean): Promise<void> {
  await sql`update kontor.sign_in_attempts set ok = ${ok} where id = ${attemptId}::bigint`.execute(db);
}

/**
 * The client's address as the nearest proxy saw it: the last X-Forwarded-For entry (Next's server adds
 * the socket's address when none is sent; a client can prepend entries but not replace the last one a
 * proxy appends). The per-account limit does not depend on it.
 */
export function clientAddress(headers: { get(name: string): string | null }): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean);
  return forwarded?.at(-1) ?? headers.get('x-real-ip') ?? null;
}
