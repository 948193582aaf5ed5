/**
 * A section whose read hits the statement timeout says so, with what would make it fast, and the page
 * stands: never the error boundary (issue 22). A second `next start` with a short statement timeout
 * (KONTOR_STATEMENT_TIMEOUT_MS) reads the demo's ledger through a view that sleeps on every row, in a
 * schema of its own (the suite's server and its ledger are untouched).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { demoPreset } from '@/lib/mapping/presets/demo';
import { e2eClusterUrl, startSecondServer } from './support/second-server';
import { DEMO_PASSWORD } from './roles';

test.describe.configure({ mode: 'serial' });

const schema = `slow_${crypto.randomBytes(4).toString('hex')}`;
const mappingFile = path.resolve('test-results', `${schema}.mapping.json`);
let server: ChildProcess | undefined;
let base: string;

async function admin(statements: string) {
  const client = new pg.Client(e2eClusterUrl('kontor_demo'));
  await client.connect();
  try {
    await client.query(statements);
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // security_invoker: the advisors of the suite's own server must find nothing new here.
  await admin(`create schema ${schema};
    create view ${schema}.credits_ledger with (security_invoker = true) as
      select * from public.credits_ledger where pg_sleep(0.01) is not null`);
  fs.mkdirSync(path.dirname(mappingFile), { recursive: true });
  fs.writeFileSync(mappingFile, JSON.stringify({ ...demoPreset, name: 'demo, slow ledger', ledger: { ...demoPreset.ledger, table: { schema, name: 'credits_ledger' } } }));
  ({ base, server } = await startSecondServer({
    DATABASE_URL: e2eClusterUrl('kontor_demo'), KONTOR_AUTH: 'demo', KONTOR_MAPPING: mappingFile, KONTOR_STATEMENT_TIMEOUT_MS: '1000',
  }));
});

test.afterAll(async () => {
  test.setTimeout(60_000);
  // The server's statement page starts a background rollup of the ledger (the slow view, on the
  // long-read pool): stop the server (killed if it waits on that work), then end every session still
  // holding a lock in the schema (a backend finds out its client is gone only when it next writes),
  // else the DROP waits for it.
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server?.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(mappingFile, { force: true });
  await admin(`select pg_terminate_backend(l.pid) from pg_locks l
    join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = '${schema}' and l.pid <> pg_backend_pid()`);
  await admin(`set lock_timeout = '20s'; drop schema if exists ${schema} cascade`);
});

test('a statement cut off by the statement timeout is said on the page, with a narrower period to ask for', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill('admin@kontor.dev');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => url.pathname === '/', { timeout: 30_000 });

  const response = await page.goto(`${base}/finance/statement`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Statement' })).toBeVisible();
  await expect(page.getByText('The statement could not be read')).toBeVisible();
  await expect(page.getByText(/longer than the statement timeout/)).toBeVisible();
  await expect(page.getByText('What would make it fast:')).toBeVisible();
  const narrower = page.getByRole('link', { name: /^Only \d{4}-\d{2}-\d{2}: one day of the \d+ asked for$/ });
  await expect(narrower).toHaveAttribute('href', /^\/finance\/statement\?period=day&day=\d{4}-\d{2}-\d{2}$/);
  // The period form stays, to ask for less; the error boundary never shows.
  await expect(page.getByRole('button', { name: 'Show' })).toBeVisible();
  await expect(page.getByText(/could not be shown$/)).toHaveCount(0);
});
