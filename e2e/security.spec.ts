/**
 * Row-level security you can see and test: Policies, the access matrix, test-as-user with "why not?"
 * (and its audit entry), the Advisors page with a guarded suppression, refusals, and axe in light and dark.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { DEMO_CUSTOMER, expectRefused, rolesWithout, storageStateOf } from './roles';

const PAGES = [
  { path: '/database/policies', heading: 'Policies' },
  { path: '/database/access', heading: 'Access matrix' },
  { path: '/database/access/test', heading: 'Test as a user' },
  { path: '/database/advisors', heading: 'Advisors' },
];

/** The e2e demo database, read directly to know what Ada owns. */
async function demoQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const state = JSON.parse(fs.readFileSync(path.resolve('.kontor/e2e/pg17.state.json'), 'utf8')) as { port: number };
  const client = new pg.Client(`postgres://postgres:postgres@127.0.0.1:${state.port}/kontor_demo`);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe('security pages as engineer', () => {
  test.use({ storageState: storageStateOf('engineer') });

  test('Policies shows RLS, each policy, and makes the exposed table stand out; the matrix says why', async ({ page }) => {
    await page.goto('/database/policies');
    await expect(page.getByRole('heading', { level: 1, name: 'Policies' })).toBeVisible();
    const table = page.getByRole('table', { name: /row-level security policies/ });
    const tasks = table.getByRole('row').filter({ hasText: 'public.tasks' }).first();
    await expect(tasks).toContainText('Users can view own tasks');
    await expect(tasks).toContainText('USING');
    const promo = table.getByRole('row').filter({ hasText: 'public.promo_codes' });
    await expect(promo).toContainText('RLS off');
    await expect(promo).toContainText('Reachable by anon, authenticated');

    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Access' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Access matrix' })).toBeVisible();
    const matrix = page.getByRole('table', { name: /Access of each API role/ });
    await expect(matrix.getByRole('row').filter({ hasText: 'public.promo_codes' })).toContainText('RLS is off: the GRANT decides');
    await expect(matrix.getByRole('row').filter({ hasText: 'public.user_feedback' })).toContainText('RLS is on with no policy');
    await expect(matrix.getByRole('row').filter({ hasText: 'public.tasks' }).first()).toContainText('Users can view own tasks');
  });

  test('test as Ada: her rows only, "why not?" for another user\'s row, and the audit log has it', async ({ page }) => {
    const [ada] = await demoQuery<{ id: string }>(`select id::text from auth.users where email = $1`, [DEMO_CUSTOMER.email]);
    const [counts] = await demoQuery<{ own: number; total: number }>(
      `select count(*) filter (where user_id = $1)::int as own, count(*)::int as total from public.tasks`, [ada.id]);
    const [other] = await demoQuery<{ id: string }>(`select id::text from public.tasks where user_id <> $1 order by id limit 1`, [ada.id]);
    expect(counts.own).toBeGreaterThan(0);
    expect(counts.total).toBeGreaterThan(counts.own);

    await page.goto('/database/access/test');
    const reason = `Ticket ${Date.now().toString(36)}: Ada cannot see a task of hers`;
    await page.getByLabel('API role').selectOption('authenticated');
    await page.getByLabel('User (email or id)').fill(DEMO_CUSTOMER.email);
    await page.getByLabel('Table').fill('public.tasks');
    await page.getByLabel(/^Reason/).fill(reason);
    await page.getByRole('button', { name: 'Run the test' }).click();

    const result = page.getByRole('region', { name: /ada@example\.com as authenticated on public\.tasks/ });
    const select = result.getByRole('table', { name: 'What the user reaches, per command' }).getByRole('row', { name: /^SELECT/ });
    await expect(select).toContainText('conditional');
    await expect(select.getByRole('cell').nth(1)).toHaveText(counts.own.toLocaleString('en'));
    // Every sampled row is hers.
    const sample = result.getByRole('table', { name: /Sample of the rows/ });
    const header = await sample.getByRole('columnheader').allTextContents();
    const userCol = header.indexOf('user_id');
    expect(userCol).toBeGreaterThanOrEqual(0);
    const rows = sample.getByRole('row');
    const n = await rows.count();
    expect(n).toBeGreaterThan(1);
    for (let i = 1; i < n; i++) await expect(rows.nth(i).getByRole('cell').nth(userCol)).toHaveText(ada.id);
    expect(await axe(page)).toEqual([]);

    await page.getByLabel('Row key').fill(other.id);
    await page.getByRole('button', { name: 'Why not?' }).click();
    const selectVerdict = page.getByRole('listitem', { name: 'SELECT: denied' });
    await expect(selectVerdict).toContainText('No permissive policy’s SELECT USING is true for this row');
    await expect(selectVerdict.getByRole('table', { name: 'Policies evaluated for SELECT' })).toContainText('Users can view own tasks');
    await expect(selectVerdict).toContainText('false');

    await page.goto('/audit?action=security.testAsUser');
    const entry = page.getByRole('row').filter({ hasText: reason });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText('engineer@kontor.dev');
    await expect(entry.locator(`[data-target-id="${ada.id}"]`)).toBeVisible();
    await page.goto('/audit?action=security.whyNot');
    await expect(page.getByRole('row').filter({ hasText: reason })).toHaveCount(1);
  });

  test('Advisors: findings with fix SQL; suppress one with a reason, then end the suppression', async ({ page }) => {
    await page.goto('/database/advisors?q=idx_payments_amount');
    const findings = page.getByRole('table', { name: 'Advisor findings' });
    const unused = findings.getByRole('row').filter({ hasText: 'unused_index' });
    await expect(unused).toContainText('DROP INDEX CONCURRENTLY public.idx_payments_amount');
    await unused.getByText('Suppress…').click();
    await unused.getByLabel('Object').selectOption('public.idx_payments_amount');
    await unused.getByLabel('Why it is accepted').fill('Used by the quarterly report only');
    await unused.getByRole('button', { name: /^Suppress Unused index for public\.idx_payments_amount/ }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
    await dialog.getByLabel(/Reason/).fill('Quarterly report needs it, checked with finance');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(unused).toContainText('All suppressed');
    await expect(unused).toContainText('Used by the quarterly report only');

    await unused.getByRole('button', { name: 'End the suppression of public.idx_payments_amount' }).click();
    await dialog.getByLabel(/Reason/).fill('The report moved to the warehouse, show it again');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(unused).toContainText('1 open');
  });
});

for (const role of rolesWithout('database.read')) {
  test(`security pages refuse ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    await expectRefused(page, PAGES.map((p) => p.path));
    await context.close();
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`security pages have no WCAG 2 A/AA violations in ${colorScheme}`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, storageState: storageStateOf('engineer') });
    const page = await context.newPage();
    for (const { path, heading } of PAGES) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      expect(await axe(page), `${path} in ${colorScheme}`).toEqual([]);
    }
    await context.close();
  });
}
