/**
 * The sign-in rate limit: per account and per address, shared by console instances through Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kysely, sql } from 'kysely';
import { DEMO_PASSWORD } from '@/db/demo/accounts';
import type { KontorDatabase } from '@/db/types';
import { clientAddress, SIGN_IN_LIMITS } from '@/lib/auth/rate-limit';
import { SIGN_IN_REFUSED, signIn, type AuthConfig } from '@/lib/auth/session';
import { authDatabase, MemoryCookieJar, type AuthDatabase } from '@/test/auth-standin';
import { createDb } from '@/db/connect';

let t: AuthDatabase;
let config: AuthConfig;
let second: Kysely<KontorDatabase>;
const log = () => undefined;

before(async () => {
  t = await authDatabase();
  config = { mode: 'demo', secret: 'a-test-secret-that-is-long-enough-0123456789', databaseUrl: t.url, secure: false };
  // Another console instance: its own pool on the same database.
  second = createDb(t.url, { max: 2 });
});
after(async () => {
  await second?.destroy();
  await t?.close();
  await t?.drop();
});

const account = (role: string) => t.accounts.find((a) => a.role === role)!;
const attempt = (email: string, password: string, address: string, db: Kysely<KontorDatabase> = t.db) =>
  signIn(config, db, new MemoryCookieJar(), { email, password }, { log, address });

test('39 wrong passwords, then the right one: refused, with a message that says why and when to retry', async () => {
  const { email } = account('finance');
  const answers = [];
  for (let i = 0; i < 39; i++) answers.push(await attempt(email, `guess-${i}`, `198.51.100.${i}`, i % 2 ? second : t.db));
  assert.ok(answers.slice(0, SIGN_IN_LIMITS.account).every((r) => !r.ok && r.message === SIGN_IN_REFUSED));
  assert.ok(answers.slice(SIGN_IN_LIMITS.account).every((r) => !r.ok && r.reason === 'rate-limited'), 'the two instances counted together');
  const right = await attempt(email, DEMO_PASSWORD, '198.51.100.200');
  assert.ok(!right.ok && right.reason === 'rate-limited');
  assert.match(right.message, /^Too many sign-in attempts for this account\. Try again in 1[45] minutes\.$/);
  // Another account is not affected; once the failures are older than the window, the account signs in.
  assert.ok((await attempt(account('viewer').email, DEMO_PASSWORD, '198.51.100.201')).ok);
  await sql`update kontor.sign_in_attempts set at = at - interval '16 minutes' where email = ${email}`.execute(t.db);
  assert.ok((await attempt(email, DEMO_PASSWORD, '198.51.100.202')).ok);
});

test('parallel guesses count too: at most the limit of them are checked', async () => {
  const { email } = account('engineer');
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(email, `parallel-${i}`, `203.0.113.${i}`, i % 2 ? second : t.db)));
  assert.equal(answers.filter((r) => !r.ok && r.reason !== 'rate-limited').length, SIGN_IN_LIMITS.account);
});

test('one address trying many accounts is stopped, for a valid account too; other addresses are not', async () => {
  const from = '192.0.2.66';
  for (let i = 0; i < SIGN_IN_LIMITS.address; i++) {
    const r = await attempt(`nobody-${i}@example.com`, 'x', from);
    assert.ok(!r.ok && r.reason !== 'rate-limited', `attempt ${i + 1} is checked`);
  }
  const blocked = await attempt(account('support').email, DEMO_PASSWORD, from);
  assert.ok(!blocked.ok && blocked.reason === 'rate-limited');
  assert.match(blocked.message, /from this network address/);
  assert.ok((await attempt(account('support').email, DEMO_PASSWORD, '192.0.2.67')).ok);
});

test('a success clears the account\'s count: earlier failures do not add up with later ones', async () => {
  const { email } = account('admin');
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < SIGN_IN_LIMITS.account - 1; i++) assert.ok(!(await attempt(email, 'wrong', `10.9.${round}.${i}`)).ok);
    assert.ok((await attempt(email, DEMO_PASSWORD, `10.9.${round}.99`)).ok, `round ${round + 1}`);
  }
});

test('the client address is the last X-Forwarded-For entry (the nearest proxy\'s), else X-Real-IP', () => {
  const h = (o: Record<string, string>) => ({ get: (n: string) => o[n] ?? null });
  assert.equal(clientAddress(h({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1' })), '10.0.0.1');
  assert.equal(clientAddress(h({ 'x-forwarded-for': '::1' })), '::1');
  assert.equal(clientAddress(h({ 'x-real-ip': '10.0.0.2' })), '10.0.0.2');
  assert.equal(clientAddress(h({})), null);
});
