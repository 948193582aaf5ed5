/**
 * The production sign-in path end to end: a second `next start` in Supabase mode (KONTOR_AUTH=supabase),
 * signing in through @supabase/ssr against the GoTrue stand-in (test/auth-standin.ts), on the e2e
 * suite's own demo database. No Supabase Auth server can run here; the stand-in speaks its HTTP API.
 */
import type { ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { startAuthStandin, type AuthStandin } from '@/test/auth-standin';
import { e2eClusterUrl, startSecondServer } from './support/second-server';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF } from './roles';

test.describe.configure({ mode: 'serial' });

let standin: AuthStandin;
let server: ChildProcess;
let base: string;
let databaseUrl: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  databaseUrl = e2eClusterUrl('kontor_demo');
  standin = await startAuthStandin({ databaseUrl });
  ({ base, server } = await startSecondServer({
    DATABASE_URL: databaseUrl,
    KONTOR_AUTH: 'supabase',
    NEXT_PUBLIC_SUPABASE_URL: standin.url,
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: standin.publishableKey,
  }));
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await standin?.stop();
});

for (const { email, role } of DEMO_STAFF) {
  test(`${role} signs in through Supabase Auth and lands on the overview`, async ({ page, context }) => {
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect(page.getByRole('banner')).toContainText(email);
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();

    const cookies = await context.cookies(base);
    const session = cookies.filter((c) => c.name.startsWith(standin.storageKey));
    expect(session.length).toBeGreaterThan(0);
    expect(session.every((c) => c.httpOnly)).toBe(true);
    expect(cookies.some((c) => c.name === 'kontor-session')).toBe(false);
    expect(standin.requests).toContain('POST /auth/v1/token?grant_type=password');
    expect(standin.requests.some((r) => r.startsWith('GET /auth/v1/.well-known/jwks.json'))).toBe(true);
  });
}

test('a wrong password and a product user who is not staff are refused', async ({ page }) => {
  for (const [email, password] of [
    [DEMO_STAFF[0].email, 'not-the-password'],
    [DEMO_CUSTOMER.email, DEMO_PASSWORD],
  ]) {
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await expect(page.getByRole('alert').filter({ hasText: /did not sign you in/ })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/login');
  }
});

test('an expired token is refused: the console sends the browser back to sign-in', async ({ page, context }) => {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  const { rows } = await client.query<{ id: string }>('select id from auth.users where email = $1', [DEMO_STAFF[0].email]);
  await client.end();
  const session = await standin.mintSession({ userId: rows[0].id, email: DEMO_STAFF[0].email, expiresIn: -60, refreshable: false });
  const host = new URL(base).hostname;
  await context.addCookies(standin.sessionCookies(session).map((c) => ({ ...c, domain: host, path: '/' })));
  await page.goto(`${base}/`);
  await page.waitForURL((url) => url.pathname === '/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
