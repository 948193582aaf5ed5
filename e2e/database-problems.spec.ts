/**
 * A database that is down, or lacks Kontor's schema, gets a page that says which and what to do, never
 * a stack trace, and the console recovers by itself once it is fixed. A second `next start` points at
 * a fresh database on the e2e cluster (and at a port where nothing listens).
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { freePort } from '@/db/embedded';
import { e2eClusterUrl, startSecondServer } from './support/second-server';
import { migrateToLatest } from '@/db/migrate';
import { createDb } from '@/db/connect';

test.describe.configure({ mode: 'serial' });

const servers: ChildProcess[] = [];
let adminUrl: string;
const dbName = `problems_${crypto.randomBytes(4).toString('hex')}`;

async function startServer(databaseUrl: string): Promise<string> {
  const { base, server } = await startSecondServer({ DATABASE_URL: databaseUrl, KONTOR_AUTH: 'demo' });
  servers.push(server);
  return base;
}

/** The proxy only checks that a session cookie is there; the console layout checks the database first. */
async function openConsole(page: Page, base: string) {
  await page.context().addCookies([{ name: 'kontor-session', value: 'x', domain: '127.0.0.1', path: '/' }]);
  await page.goto(`${base}/`);
}

test.beforeAll(async () => {
  adminUrl = e2eClusterUrl('postgres');
  const client = new pg.Client(adminUrl);
  await client.connect();
  await client.query(`create database ${dbName}`);
  await client.end();
});

test.afterAll(async () => {
  for (const s of servers) s.kill('SIGTERM');
  const client = new pg.Client(adminUrl);
  await client.connect();
  await client.query(`drop database if exists ${dbName} with (force)`);
  await client.end();
});

test('a database without the kontor schema names the command, then recovers once migrated', async ({ page }) => {
  test.setTimeout(120_000);
  const url = e2eClusterUrl(dbName);
  const base = await startServer(url);
  await openConsole(page, base);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/schema/i);
  await expect(page.getByText('npm run kontor -- migrate')).toBeVisible();
  await expect(page.getByText(/at .*\.(ts|js):\d+/)).toHaveCount(0);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(axe.violations).toEqual([]);
  }

  const db = createDb<unknown>(url, { max: 1 });
  await migrateToLatest(db);
  await db.destroy();
  // Same server, next request: the problem page is gone (the fake cookie is then refused: sign-in).
  await page.goto(`${base}/`);
  await page.waitForURL((u) => u.pathname === '/login');
});

test('a database where nothing listens says it does not answer', async ({ page }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const base = await startServer(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  await openConsole(page, base);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/does not answer/i);
  await expect(page.getByText(/at .*\.(ts|js):\d+/)).toHaveCount(0);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(axe.violations).toEqual([]);
});
