/**
 * Every product in ../shared/seeds works: for each, its fixture database (db/fixtures) on the e2e
 * cluster, a second console server with KONTOR_PRESET set, a sign-in, and every page the product
 * supports opened with no error; the sidebar hides the rest, the Overview says why, and the planted
 * defects show on the pages that find them. Each fixture gets its own database and `next start` on a
 * free port, so fixtures run on both workers at once.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { buildFixture, buildUnrelatedDatabase, fixtureManifest, listFixtures } from '@/db/fixtures/build';
import { ADVISOR_IDS } from '@/lib/inspect/advisors';
import { bestVariant, readCatalog } from '@/lib/mapping/detect';
import { CONCEPTS, parseMapping } from '@/lib/mapping/schema';
import { NAV_AREAS, navFor } from '@/lib/nav';
import { e2eClusterUrl, startSecondServer } from './support/second-server';
import { DEMO_PASSWORD, emailOf, ROLES } from './roles';
import { createDb } from '@/db/connect';

// Each fixture has its own database and its own server on a free port: they run side by side.
test.describe.configure({ mode: 'parallel' });

const suffix = crypto.randomBytes(3).toString('hex');
const dbName = (product: string) => `products_${product.replaceAll('-', '_')}_${suffix}`;
let server: ChildProcess | undefined;

async function admin(query: string) {
  const client = new pg.Client(e2eClusterUrl('postgres'));
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

test.afterEach(() => {
  server?.kill('SIGTERM');
  server = undefined;
});

test.afterAll(async () => {
  for (const product of [...listFixtures().map((f) => f.name), 'unrelated']) await admin(`drop database if exists ${dbName(product)} with (force)`);
});

/** The fixture's catalog, for picking the preset's version as the console does. */
async function catalogOf(database: string) {
  const db = createDb(e2eClusterUrl(database), { max: 1 });
  try {
    return await readCatalog(db);
  } finally {
    await db.destroy();
  }
}

/** The first row's key of a mapped table, for its detail page. */
async function firstKey(database: string, table: { schema: string; name: string }, key: string): Promise<string> {
  const client = new pg.Client(e2eClusterUrl(database));
  await client.connect();
  try {
    const id = (x: string) => client.escapeIdentifier(x);
    const { rows } = await client.query(`select ${id(key)}::text as k from ${id(table.schema)}.${id(table.name)} order by 1 limit 1`);
    return rows[0].k as string;
  } finally {
    await client.end();
  }
}

async function signIn(page: Page, base: string, email = 'admin@kontor.dev') {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

async function expectNoError(page: Page, path: string) {
  await expect(page.getByRole('heading', { level: 1 }), path).toBeVisible();
  await expect(page.getByText(/could not be shown$/), path).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'This page does not exist' }), path).toHaveCount(0);
  await expect(page.getByText(/Product figures unavailable|could not be read|unavailable/i), path).toHaveCount(0);
  await expect(page.getByText(/at .*\.(ts|js):\d+/), path).toHaveCount(0);
}

for (const { name: product, preset: presetName } of listFixtures()) {
  test(`${product}: every page it supports opens for each role, the others are hidden and explained`, async ({ page, browser }) => {
    test.setTimeout(360_000);
    const name = dbName(product);
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`create database ${name}`);
    await buildFixture(e2eClusterUrl(name), product);
    const started = await startSecondServer({ DATABASE_URL: e2eClusterUrl(name), KONTOR_AUTH: 'demo', KONTOR_PRESET: presetName });
    server = started.server;
    const { base } = started;
    await signIn(page, base);

    // The version of the product's preset that reads this fixture, as the console picks it.
    const preset = parseMapping(bestVariant(presetName, await catalogOf(name))!);
    const available = CONCEPTS.filter((c) => preset[c]);
    const areas = navFor('admin', available);
    const sidebar = page.getByRole('navigation', { name: 'Areas' });
    for (const area of NAV_AREAS.filter((a) => !areas.includes(a))) {
      await expect(sidebar.getByRole('link', { name: area.label, exact: true }), `${area.label} hidden`).toHaveCount(0);
    }
    // The Overview names what is missing, in the product's terms.
    await expectNoError(page, '/');
    for (const reason of Object.values(preset.absent)) {
      if (reason) await expect(page.getByText(reason, { exact: false }).first()).toBeVisible();
    }

    for (const area of areas) {
      const response = await page.goto(`${base}${area.href}`);
      expect(response?.status(), area.href).toBeLessThan(400);
      await expectNoError(page, area.href);
    }

    // A detail page of each concept that has one.
    const details = [
      preset.users ? `/users/${await firstKey(name, preset.users.table, preset.users.key)}` : null,
      preset.tasks ? `/tasks/${await firstKey(name, preset.tasks.table, preset.tasks.key)}` : null,
      // A payment that is a ledger row keyed by a JSON field (Reigh's) is opened from the ledger instead.
      preset.payments && !preset.payments.key.includes('->') ? `/payments/${await firstKey(name, preset.payments.table, preset.payments.key)}` : null,
    ].filter((x): x is string => x !== null);
    for (const path of details) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBeLessThan(400);
      await expectNoError(page, path);
    }

    // The planted catalog defects, on the Advisors page.
    await page.goto(`${base}/database/advisors`);
    const advisorIds = new Set(ADVISOR_IDS);
    for (const d of fixtureManifest(product).filter((x) => advisorIds.has(x.kind))) {
      await expect(page.getByText(d.objects[0], { exact: false }).first(), d.kind).toBeVisible();
    }
    // And the stuck work, on the queue page, where the product has a queue.
    if (presetName === 'reigh') {
      await page.goto(`${base}/tasks/queue`);
      for (const d of fixtureManifest(product).filter((x) => x.kind === 'silent_worker')) {
        for (const id of d.ids ?? []) await expect(page.getByText(id).first(), d.kind).toBeVisible();
      }
    }
    // Every planted stuck task, on the queue page, by its id.
    const stuck = fixtureManifest(product).filter((x) => ['task_queued_for_hours', 'task_running_too_long', 'task_on_dead_worker', 'retry_storm'].includes(x.kind));
    if (stuck.length) {
      await page.goto(`${base}/tasks/queue`);
      for (const d of stuck) for (const id of d.ids ?? []) await expect(page.getByText(id.slice(0, 8)).first(), `${d.kind} ${id}`).toBeVisible();
    }
    // The planted billing defects, on the Billing checks page, where the product has one.
    const billing = fixtureManifest(product).filter((x) => ['payment_duplicate_period', 'paid_subscription_free_tier', 'usage_counter_drift'].includes(x.kind));
    if (areas.some((a) => a.href === '/finance/billing')) {
      await page.goto(`${base}/finance/billing`);
      await expectNoError(page, '/finance/billing');
      for (const d of billing) {
        const id = d.ids?.[0];
        if (id && id.length >= 8) await expect(page.getByText(id).first(), `${d.kind} ${id}`).toBeVisible();
      }
    }

    // Every other role, on every version: the areas its sidebar offers on this product open without an error.
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const context = await browser.newContext();
      try {
        const rolePage = await context.newPage();
        await signIn(rolePage, base, emailOf(role));
        for (const area of navFor(role, available)) {
          const response = await rolePage.goto(`${base}${area.href}`);
          expect(response?.status(), `${role} ${area.href}`).toBeLessThan(400);
          await expectNoError(rolePage, `${role} ${area.href}`);
        }
      } finally {
        await context.close();
      }
    }
  });
}

test('a database no preset fits: the Database pages, and an Overview that says nothing was detected', async ({ page }) => {
  test.setTimeout(180_000);
  const name = dbName('unrelated');
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  await buildUnrelatedDatabase(e2eClusterUrl(name));
  // No KONTOR_PRESET, no KONTOR_MAPPING: the console detects.
  const started = await startSecondServer({ DATABASE_URL: e2eClusterUrl(name), KONTOR_AUTH: 'demo' });
  server = started.server;
  const { base } = started;
  await signIn(page, base);
  await expectNoError(page, '/');
  await expect(page.getByText('No product tables detected')).toBeVisible();
  const sidebar = page.getByRole('navigation', { name: 'Areas' });
  for (const label of ['Users', 'Payments', 'Queue', 'Tasks', 'Workers', 'Reconciliation', 'Statement', 'Usage costs']) {
    await expect(sidebar.getByRole('link', { name: label, exact: true }), `${label} hidden`).toHaveCount(0);
  }
  for (const area of navFor('admin', [])) {
    const response = await page.goto(`${base}${area.href}`);
    expect(response?.status(), area.href).toBeLessThan(400);
    await expectNoError(page, area.href);
  }
  await page.goto(`${base}/database/tables`);
  await expect(page.getByText('inventory_items').first()).toBeVisible();
});
