/**
 * The Supabase path end to end against the GoTrue stand-in: @supabase/ssr writes and reads the
 * cookies, getClaims verifies ES256 against the stand-in's JWKS, kontor.staff decides the role.
 * Node 20 needs --experimental-websocket for supabase-js (see scripts/node-options.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SignJWT, decodeJwt } from 'jose';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { NO_STORE_HEADERS, SIGN_IN_REFUSED, identify, signIn, signOut, type AuthConfig } from '@/lib/auth/session';
import { authorizeStaff } from '@/lib/auth/staff';
import { SERVER_SESSION_COOKIE } from '@/lib/auth/server-sessions';
import { authDatabase, MemoryCookieJar, startAuthStandin, type AuthDatabase, type AuthStandin } from '@/test/auth-standin';

let t: AuthDatabase;
let auth: AuthStandin;
let config: AuthConfig;
const logged: string[] = [];
const log = (line: string) => logged.push(line);

before(async () => {
  t = await authDatabase();
  auth = await startAuthStandin({ databaseUrl: t.url });
  config = { mode: 'supabase', supabase: { url: auth.url, publishableKey: auth.publishableKey } };
});
after(async () => {
  await auth?.stop();
  await t?.close();
  await t?.drop();
});

const account = (role: string | null) => t.accounts.find((a) => a.role === role)!;
/** The next request from the same browser: the cookies it holds, nothing else. */
const nextRequest = (jar: MemoryCookieJar) => new MemoryCookieJar(jar.getAll());

test('each role signs in with signInWithPassword; the cookie @supabase/ssr writes verifies by getClaims', async () => {
  for (const { email, role } of DEMO_STAFF) {
    const jar = new MemoryCookieJar();
    const result = await signIn(config, t.db, jar, { email, password: DEMO_PASSWORD }, { log });
    assert.ok(result.ok, `${role} signs in`);
    assert.equal(result.staff.role, role);

    // @supabase/ssr's cookies, then Kontor's server-side session (lib/auth/server-sessions.ts).
    assert.equal(jar.writes.length, 2);
    assert.deepEqual(jar.writes[0].headers, NO_STORE_HEADERS, 'setAll gets the no-store headers');
    assert.deepEqual(jar.writes[1].cookies.map((c) => c.name), [SERVER_SESSION_COOKIE]);
    const [cookie] = jar.writes[0].cookies;
    assert.equal(cookie.name, auth.storageKey);
    assert.equal(cookie.name, 'sb-127-auth-token');
    assert.match(cookie.value, /^base64-/);
    assert.equal(cookie.options.sameSite, 'lax');
    assert.equal(cookie.options.httpOnly, true, 'no browser client reads it, so scripts may not');
    assert.equal(cookie.options.path, '/');

    const before = auth.requests.length;
    const identity = await identify(config, nextRequest(jar));
    assert.ok(identity, `${role}'s cookie verifies`);
    assert.equal(identity.email, email);
    const gate = await authorizeStaff(t.db, identity, 'overview.read');
    assert.ok(gate.ok && gate.staff.role === role);
    assert.ok(
      auth.requests.slice(before).every((r) => r === 'GET /auth/v1/.well-known/jwks.json'),
      'getClaims verifies locally: at most a JWKS fetch, never /user',
    );
  }
});

test('a session put into cookies by hand, chunked as @supabase/ssr chunks it, is accepted', async () => {
  const finance = account('finance');
  const session = await auth.mintSession({ ...finance, userMetadata: { bio: 'x'.repeat(5000) } });
  const cookies = auth.sessionCookies(session);
  assert.ok(cookies.length > 1, 'big enough to chunk');
  assert.deepEqual(cookies.map((c) => c.name), cookies.map((_, i) => `${auth.storageKey}.${i}`));
  assert.match(cookies[0].value, /^base64-/);
  const identity = await identify(config, new MemoryCookieJar(cookies));
  assert.deepEqual(identity, { userId: finance.userId, email: finance.email });
  const header = JSON.parse(Buffer.from(session.access_token.split('.')[0], 'base64url').toString());
  assert.deepEqual(header, { alg: 'ES256', kid: auth.kid, typ: 'JWT' });
});

test('wrong password: refused with the generic message, no cookie', async () => {
  const jar = new MemoryCookieJar();
  const r = await signIn(config, t.db, jar, { email: DEMO_STAFF[0].email, password: 'nope' }, { log });
  assert.deepEqual(r, { ok: false, reason: 'invalid-credentials', message: SIGN_IN_REFUSED });
  assert.equal(jar.getAll().length, 0);
});

test('a product user who is not staff: Supabase accepts the password, Kontor refuses and signs them out', async () => {
  const jar = new MemoryCookieJar();
  logged.length = 0;
  const r = await signIn(config, t.db, jar, { email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password }, { log });
  assert.deepEqual(r, { ok: false, reason: 'not-staff', message: SIGN_IN_REFUSED });
  assert.match(logged[0], /not-staff/);
  assert.equal(jar.getAll().length, 0, 'the session cookie was cleared again');
  assert.ok(auth.requests.some((line) => line.startsWith('POST /auth/v1/logout')));
});

test('an expired access token whose refresh fails is refused, and its cookies are cleared', async () => {
  const viewer = account('viewer');
  const session = await auth.mintSession({ ...viewer, expiresIn: -60, refreshable: false });
  const jar = new MemoryCookieJar(auth.sessionCookies(session));
  assert.equal(await identify(config, jar), null);
  assert.equal(jar.getAll().length, 0);
});

test('an expired access token with a live refresh token is refreshed, and the new cookies come with no-store headers', async () => {
  const support = account('support');
  const session = await auth.mintSession({ ...support, expiresIn: -60 });
  const jar = new MemoryCookieJar(auth.sessionCookies(session));
  const identity = await identify(config, jar);
  assert.deepEqual(identity, { userId: support.userId, email: support.email });
  assert.equal(jar.writes.length, 1);
  assert.deepEqual(jar.writes[0].headers, NO_STORE_HEADERS);
  assert.ok(auth.requests.includes('POST /auth/v1/token?grant_type=refresh_token'));
  // the rotated session verifies on the next request; the old refresh token is spent
  assert.ok(await identify(config, nextRequest(jar)));
  assert.equal(await identify(config, new MemoryCookieJar(auth.sessionCookies(session))), null);
});

test('an expired token is refused even when the cookie lies about expires_at', async () => {
  const admin = account('admin');
  const session = await auth.mintSession({ ...admin, expiresIn: -60, refreshable: false });
  const lying = { ...session, expires_at: Math.floor(Date.now() / 1000) + 3600 };
  assert.equal(await identify(config, new MemoryCookieJar(auth.sessionCookies(lying))), null);
});

test('tampered tokens are refused: swapped subject, foreign key under our kid, HS256 without kid', async () => {
  const viewer = account('viewer');
  const admin = account('admin');
  const session = await auth.mintSession(viewer);
  const [h, , s] = session.access_token.split('.');
  const payload = { ...decodeJwt(session.access_token), sub: admin.userId, email: admin.email };
  const swapped = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
  assert.equal(await identify(config, new MemoryCookieJar(auth.sessionCookies({ ...session, access_token: swapped }))), null);

  const foreign = await auth.mintSession({ ...admin, foreignKey: true });
  assert.equal(await identify(config, new MemoryCookieJar(auth.sessionCookies(foreign))), null);

  // No kid / symmetric: getClaims falls back to asking the server (getUser), which refuses it.
  const hs = await new SignJWT({ ...payload, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode('guessed-secret-guessed-secret-guessed'));
  const asked = auth.requests.length;
  assert.equal(await identify(config, new MemoryCookieJar(auth.sessionCookies({ ...session, access_token: hs }))), null);
  assert.deepEqual(auth.requests.slice(asked), ['GET /auth/v1/user']);
});

test('a session revoked at the server still passes getClaims (local), but not the write check (getUser)', async () => {
  const engineer = account('engineer');
  const jar = new MemoryCookieJar();
  assert.ok((await signIn(config, t.db, jar, { email: engineer.email, password: DEMO_PASSWORD }, { log })).ok);
  assert.ok(await identify(config, nextRequest(jar), { confirm: true }));
  auth.revokeUser(engineer.userId);
  assert.ok(await identify(config, nextRequest(jar)), 'local verification cannot know');
  assert.equal(await identify(config, nextRequest(jar), { confirm: true }), null);
});

test('sign-out revokes the session at the server and clears the cookies', async () => {
  const finance = account('finance');
  const jar = new MemoryCookieJar();
  assert.ok((await signIn(config, t.db, jar, { email: finance.email, password: DEMO_PASSWORD }, { log })).ok);
  const held = jar.getAll();
  const out = nextRequest(jar);
  await signOut(config, out, t.db);
  assert.equal(out.getAll().length, 0);
  assert.equal(await identify(config, new MemoryCookieJar(held), { confirm: true }), null, 'a copied cookie is dead too');
});
