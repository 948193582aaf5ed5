import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SignJWT, decodeJwt } from 'jose';
import { sql } from 'kysely';
import { DEMO_PASSWORD, DEMO_STAFF, DEMO_CUSTOMER } from '@/db/demo/accounts';
import {
  DEMO_SESSION_COOKIE,
  DEMO_SESSION_TTL_SECONDS,
  NOT_LOCAL_MESSAGE,
  issueDemoSession,
  verifyDemoCredentials,
  verifyDemoSession,
} from '@/lib/auth/demo';
import { NO_STORE_HEADERS, SIGN_IN_REFUSED, identify, signIn, signOut, type AuthConfig } from '@/lib/auth/session';
import { authorizeStaff } from '@/lib/auth/staff';
import { authDatabase, MemoryCookieJar, type AuthDatabase } from '@/test/auth-standin';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
let t: AuthDatabase;
let config: Extract<AuthConfig, { mode: 'demo' }>;
const logged: string[] = [];
const log = (line: string) => logged.push(line);

before(async () => {
  t = await authDatabase();
  config = { mode: 'demo', secret: SECRET, databaseUrl: t.url, secure: true };
});
after(async () => {
  await t?.close();
  await t?.drop();
});

test('each demo role signs in: password checked, cookie issued, and the cookie yields that staff member', async () => {
  for (const { email, role } of DEMO_STAFF) {
    const jar = new MemoryCookieJar();
    const result = await signIn(config, t.db, jar, { email: email.toUpperCase(), password: DEMO_PASSWORD }, { log });
    assert.ok(result.ok, `${role} signs in`);
    assert.equal(result.staff.role, role);

    const [write] = jar.writes;
    assert.equal(jar.writes.length, 1);
    assert.deepEqual(write.headers, NO_STORE_HEADERS);
    const [cookie] = write.cookies;
    assert.equal(cookie.name, DEMO_SESSION_COOKIE);
    assert.deepEqual(cookie.options, { httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: DEMO_SESSION_TTL_SECONDS });
    const claims = decodeJwt(cookie.value);
    assert.equal(claims.exp! - claims.iat!, 8 * 60 * 60);

    const identity = await identify(config, jar);
    assert.ok(identity);
    assert.equal(identity.email, email);
    const auth = await authorizeStaff(t.db, identity, 'overview.read');
    assert.ok(auth.ok && auth.staff.role === role);
  }
});

test('wrong password, unknown email and a non-staff account get the same message; the log says which', async () => {
  logged.length = 0;
  const attempts = [
    { email: DEMO_STAFF[0].email, password: 'wrong' },
    { email: 'nobody@kontor.dev', password: DEMO_PASSWORD },
    { email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password },
  ];
  const results = [];
  for (const credentials of attempts) {
    const jar = new MemoryCookieJar();
    results.push(await signIn(config, t.db, jar, credentials, { log }));
    assert.equal(jar.writes.length, 0, 'no cookie on refusal');
  }
  assert.deepEqual(
    results.map((r) => !r.ok && r.message),
    [SIGN_IN_REFUSED, SIGN_IN_REFUSED, SIGN_IN_REFUSED],
  );
  assert.deepEqual(results.map((r) => !r.ok && r.reason), ['wrong-password', 'unknown-email', 'not-staff']);
  assert.equal(logged.length, 3);
  assert.match(logged[0], /wrong-password/);
  assert.match(logged[2], /ada@example\.com.*not-staff/);
});

test('a banned or deleted auth user is refused even with the right password', async () => {
  const { email } = DEMO_STAFF.find((s) => s.role === 'support')!;
  await sql`update auth.users set banned_until = now() + interval '1 day' where email = ${email}`.execute(t.db);
  try {
    const r = await verifyDemoCredentials(t.db, { email, password: DEMO_PASSWORD }, { databaseUrl: t.url });
    assert.deepEqual(r, { ok: false, reason: 'disabled-user' });
  } finally {
    await sql`update auth.users set banned_until = null where email = ${email}`.execute(t.db);
  }
});

test('demo sign-in is refused outright when the database is not on this machine', async () => {
  const remote = { ...config, databaseUrl: 'postgres://kontor:secret@db.abcdefgh.supabase.co:5432/postgres' };
  const jar = new MemoryCookieJar();
  const r = await signIn(remote, t.db, jar, { email: DEMO_STAFF[0].email, password: DEMO_PASSWORD }, { log });
  assert.deepEqual(r, { ok: false, reason: 'not-local', message: NOT_LOCAL_MESSAGE });
  assert.equal(jar.writes.length, 0);
  await assert.rejects(
    verifyDemoCredentials(t.db, { email: DEMO_STAFF[0].email, password: DEMO_PASSWORD }, { databaseUrl: remote.databaseUrl }),
    /not on this machine/,
  );
  // and a cookie issued earlier no longer opens anything
  const admin = t.accounts.find((a) => a.role === 'admin')!;
  const token = await issueDemoSession(admin, SECRET);
  assert.equal(await identify(remote, new MemoryCookieJar([{ name: DEMO_SESSION_COOKIE, value: token }])), null);
});

test('expired, tampered, foreign-secret and unsigned session cookies are refused', async () => {
  const admin = t.accounts.find((a) => a.role === 'admin')!;
  const viewer = t.accounts.find((a) => a.role === 'viewer')!;
  const good = await issueDemoSession(viewer, SECRET);
  assert.deepEqual(await verifyDemoSession(good, SECRET), { userId: viewer.userId, email: viewer.email });

  const nineHoursAgo = new Date(Date.now() - 9 * 3600_000);
  assert.equal(await verifyDemoSession(await issueDemoSession(viewer, SECRET, { now: nineHoursAgo }), SECRET), null);

  // swap the payload for an admin's, keep the viewer's signature
  const [h, , s] = good.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ ...decodeJwt(good), sub: admin.userId })).toString('base64url');
  assert.equal(await verifyDemoSession(`${h}.${forgedPayload}.${s}`, SECRET), null);

  assert.equal(await verifyDemoSession(await issueDemoSession(admin, `${SECRET}-other`), SECRET), null);

  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${forgedPayload}.`;
  assert.equal(await verifyDemoSession(unsigned, SECRET), null);

  // right secret, wrong audience (e.g. a preview token signed with the same KONTOR_SECRET)
  const otherUse = await new SignJWT({ email: admin.email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(admin.userId)
    .setIssuer('kontor')
    .setAudience('kontor-preview')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
  assert.equal(await verifyDemoSession(otherUse, SECRET), null);

  assert.equal(await verifyDemoSession('not-a-jwt', SECRET), null);
  assert.equal(await verifyDemoSession(undefined, SECRET), null);
});

test('a short or missing KONTOR_SECRET is a clear configuration error, not a silent sign-in', async () => {
  const r = await signIn({ ...config, secret: 'short' }, t.db, new MemoryCookieJar(), { email: DEMO_STAFF[0].email, password: DEMO_PASSWORD }, { log });
  assert.ok(!r.ok && r.reason === 'misconfigured');
  assert.match(r.message, /KONTOR_SECRET/);
  await assert.rejects(verifyDemoSession('x.y.z', undefined), /KONTOR_SECRET/);
});

test('a staff member removed from kontor.staff is locked out although the cookie is still valid', async () => {
  const engineer = t.accounts.find((a) => a.role === 'engineer')!;
  const jar = new MemoryCookieJar();
  assert.ok((await signIn(config, t.db, jar, { email: engineer.email, password: DEMO_PASSWORD }, { log })).ok);
  await t.db.deleteFrom('kontor.staff').where('user_id', '=', engineer.userId).execute();
  try {
    const identity = await identify(config, jar);
    assert.ok(identity, 'the cookie itself still verifies');
    assert.deepEqual(await authorizeStaff(t.db, identity, 'overview.read'), { ok: false, reason: 'not-staff' });
  } finally {
    await t.db.insertInto('kontor.staff').values({ user_id: engineer.userId, email: engineer.email, role: 'engineer', created_by: null }).execute();
  }
});

test('sign-out clears the cookie', async () => {
  const jar = new MemoryCookieJar();
  assert.ok((await signIn(config, t.db, jar, { email: DEMO_STAFF[0].email, password: DEMO_PASSWORD }, { log })).ok);
  await signOut(config, jar, t.db);
  const last = jar.writes.at(-1)!;
  assert.equal(last.cookies[0].options.maxAge, 0);
  assert.equal(await identify(config, jar), null);
});

test('works on a bare auth.users (no banned_until, deleted_at or is_sso_user columns) as on GoTrue\'s', async () => {
  const bare = await authDatabase({ demo: false });
  try {
    await sql`alter table auth.users drop column banned_until, drop column deleted_at`.execute(bare.db);
    const bareConfig = { ...config, databaseUrl: bare.url };
    const ok = await signIn(bareConfig, bare.db, new MemoryCookieJar(), { email: 'finance@kontor.dev', password: DEMO_PASSWORD }, { log });
    assert.ok(ok.ok && ok.staff.role === 'finance');
    const no = await signIn(bareConfig, bare.db, new MemoryCookieJar(), { email: 'finance@kontor.dev', password: 'x' }, { log });
    assert.ok(!no.ok && no.reason === 'wrong-password');
  } finally {
    await bare.close();
    await bare.drop();
  }
});

test('an SSO account sharing the email does not shadow the password account', async () => {
  const { email } = DEMO_STAFF.find((s) => s.role === 'viewer')!;
  await sql`insert into auth.users (id, instance_id, aud, role, email, is_sso_user, created_at, updated_at)
    values (gen_random_uuid(), '00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated', ${email}, true, now(), now())`.execute(t.db);
  const r = await signIn(config, t.db, new MemoryCookieJar(), { email, password: DEMO_PASSWORD }, { log });
  assert.ok(r.ok && r.staff.role === 'viewer');
});
