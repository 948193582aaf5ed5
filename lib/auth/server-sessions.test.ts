/**
 * Server-side sessions: a copy of the cookies stops working on sign-out, on a role change or removal,
 * and after the idle time, on both sign-in paths (demo and Supabase, against the GoTrue stand-in).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '@/db/demo/accounts';
import { SERVER_SESSION_COOKIE } from '@/lib/auth/server-sessions';
import { authenticate, signIn, signOut, type AuthConfig } from '@/lib/auth/session';
import { authDatabase, MemoryCookieJar, startAuthStandin, type AuthDatabase, type AuthStandin } from '@/test/auth-standin';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
let t: AuthDatabase;
let auth: AuthStandin;
const configs: Record<'demo' | 'supabase', AuthConfig> = {} as never;
const log = () => undefined;

before(async () => {
  t = await authDatabase();
  auth = await startAuthStandin({ databaseUrl: t.url });
  configs.demo = { mode: 'demo', secret: SECRET, databaseUrl: t.url, secure: true, idleSeconds: 600 };
  configs.supabase = { mode: 'supabase', supabase: { url: auth.url, publishableKey: auth.publishableKey }, idleSeconds: 600 };
});
after(async () => {
  await auth?.stop();
  await t?.close();
  await t?.drop();
});

const account = (role: string) => t.accounts.find((a) => a.role === role)!;
/** What an attacker copied: the cookies the browser held, replayed from elsewhere. */
const copy = (jar: MemoryCookieJar) => new MemoryCookieJar(jar.getAll());

async function signedIn(mode: 'demo' | 'supabase', role: string, email = account(role).email) {
  const jar = new MemoryCookieJar();
  const r = await signIn(configs[mode], t.db, jar, { email, password: DEMO_PASSWORD }, { log });
  assert.ok(r.ok, `${role} signs in`);
  assert.ok(jar.getAll().some((c) => c.name === SERVER_SESSION_COOKIE), 'a server-side session cookie is set');
  return jar;
}

for (const mode of ['demo', 'supabase'] as const) {
  describe(`${mode} sign-in`, () => {
    test('sign-out ends the session for a copied cookie too', async () => {
      const jar = await signedIn(mode, 'finance');
      const held = copy(jar);
      assert.ok(await authenticate(configs[mode], t.db, copy(jar), { log }));
      await signOut(configs[mode], jar, t.db);
      assert.equal(await authenticate(configs[mode], t.db, held, { log }), null, 'the copy opens nothing');
    });

    test('a role change and a removal end every session of that staff member', async () => {
      const support = account('support');
      const a = await signedIn(mode, 'support');
      const b = await signedIn(mode, 'support');
      await sql`update kontor.staff set role = 'viewer' where user_id = ${support.userId}`.execute(t.db);
      assert.equal(await authenticate(configs[mode], t.db, copy(a), { log }), null);
      assert.equal(await authenticate(configs[mode], t.db, copy(b), { log }), null);
      // Signing in again works with the new role; removal ends that one too.
      const c = await signedIn(mode, 'viewer', support.email);
      assert.ok(await authenticate(configs[mode], t.db, copy(c), { log }));
      const { rows: [row] } = await sql<{ email: string; role: string }>`delete from kontor.staff where user_id = ${support.userId} returning email, role`.execute(t.db);
      assert.equal(await authenticate(configs[mode], t.db, copy(c), { log }), null);
      await sql`insert into kontor.staff (user_id, email, role) values (${support.userId}, ${row.email}, 'support')`.execute(t.db);
    });

    test('a session unused for the idle time ends; one in use does not', async () => {
      await sql`update kontor.sessions set revoked_at = now() where staff_id = ${account('engineer').userId}`.execute(t.db);
      const jar = await signedIn(mode, 'engineer');
      await sql`update kontor.sessions set last_seen_at = now() - interval '9 minutes' where revoked_at is null and staff_id = ${account('engineer').userId}`.execute(t.db);
      assert.ok(await authenticate(configs[mode], t.db, copy(jar), { log }), 'seen 9 minutes ago: still open (and seen now)');
      const { rows: [seen] } = await sql<{ fresh: boolean }>`
        select bool_and(last_seen_at > now() - interval '1 minute') as fresh from kontor.sessions
         where revoked_at is null and staff_id = ${account('engineer').userId}`.execute(t.db);
      assert.equal(seen.fresh, true, 'the use moved last_seen_at');
      await sql`update kontor.sessions set last_seen_at = now() - interval '11 minutes' where staff_id = ${account('engineer').userId}`.execute(t.db);
      assert.equal(await authenticate(configs[mode], t.db, copy(jar), { log }), null);
    });

    test('a valid sign-in cookie without its server-side session, or with another user\'s, opens nothing', async () => {
      const jar = await signedIn(mode, 'admin');
      const bare = new MemoryCookieJar(jar.getAll().filter((c) => c.name !== SERVER_SESSION_COOKIE));
      assert.equal(await authenticate(configs[mode], t.db, bare, { log }), null);
      const other = await signedIn(mode, 'viewer');
      const sid = other.getAll().find((c) => c.name === SERVER_SESSION_COOKIE)!;
      const mixed = new MemoryCookieJar([...bare.getAll(), sid]);
      assert.equal(await authenticate(configs[mode], t.db, mixed, { log }), null);
    });
  });
}
