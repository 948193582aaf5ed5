import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectRefused, rolesWith, rolesWithout, storageStateOf } from './roles';

const PAGES = [
  { path: '/database/tables', heading: 'Tables' },
  { path: '/database/indexes', heading: 'Indexes' },
  { path: '/database/activity', heading: 'Activity' },
  { path: '/database/queries', heading: 'Queries' },
  { path: '/database/tables/public/payments', heading: 'public.payments' },
];

for (const role of rolesWith('database.read')) {
  test.describe(`database pages as ${role}`, () => {
    test.use({ storageState: storageStateOf(role) });

    test('the sidebar groups the four database pages', async ({ page }) => {
      await page.goto('/database/tables');
      const nav = page.getByRole('navigation', { name: 'Areas' });
      for (const label of ['Tables', 'Indexes', 'Activity', 'Queries']) await expect(nav.getByRole('link', { name: label })).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Tables' })).toHaveAttribute('aria-current', 'page');
    });
  });
}

for (const role of rolesWithout('database.read')) {
  test(`database pages refuse ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    await expectRefused(page, PAGES.map((p) => p.path));
    await context.close();
  });
}

test.describe('database pages', () => {
  test.use({ storageState: storageStateOf('engineer') });

  test('tables: sizes for every table, sorted and filtered on the server', async ({ page }) => {
    await page.goto('/database/tables');
    const table = page.getByRole('table');
    await expect(table.getByRole('columnheader', { name: /total/i })).toHaveAttribute('aria-sort', 'descending');
    await expect(table.getByRole('link', { name: 'public.credits_ledger' })).toBeVisible();
    await page.getByLabel('Filter by name').fill('promo');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page).toHaveURL(/q=promo/);
    const row = table.getByRole('row').filter({ hasText: 'promo_codes' });
    await expect(row.getByRole('cell').last()).toHaveText('off'); // planted: RLS disabled
    await page.goto('/database/tables?sort=pg_sleep(5)&schema=nope');
    await expect(table.getByRole('columnheader', { name: /total/i })).toHaveAttribute('aria-sort', 'descending');
    await page.getByLabel('Schema').selectOption('auth');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(/schema=auth/);
    await expect(table.getByRole('link', { name: 'auth.users' })).toBeVisible();
    await expect(table.getByRole('link', { name: /^public\./ })).toHaveCount(0);
  });

  test('table detail: structure, exact count, masked sample', async ({ page }) => {
    await page.goto('/database/tables/auth/users');
    await expect(page.getByRole('heading', { level: 1, name: 'auth.users' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Columns' })).toContainText('encrypted_password');
    const sample = page.getByRole('table', { name: 'Sample rows' });
    await expect(sample).toContainText('masked');
    await expect(sample).not.toContainText(/\$2[aby]\$/);
    await page.getByRole('link', { name: 'Count exactly' }).click();
    await expect(page.getByText('exact, counted just now')).toBeVisible();
    await page.goto('/database/tables/public/generations');
    await expect(page.getByText('Foreign key generations_task_id_fkey has no index')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Foreign keys from this table' })).toContainText('public.tasks');
    await page.goto('/database/tables/public/no_such_table'); // streamed: the not-found page, not a 404 status
    await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
  });

  test('indexes: the planted findings with their fixes, and nothing else', async ({ page }) => {
    await page.goto('/database/indexes');
    const findings = page.getByRole('region', { name: /Findings/ });
    await expect(findings.getByRole('listitem')).toHaveCount(4);
    await expect(findings).toContainText('DROP INDEX CONCURRENTLY public.payments_user_id_idx;');
    await expect(findings).toContainText('DROP INDEX CONCURRENTLY public.idx_tasks_status;');
    await expect(findings).toContainText('DROP INDEX CONCURRENTLY public.idx_payments_amount;');
    await expect(findings).toContainText('CREATE INDEX CONCURRENTLY ON public.generations (task_id);');
    await page.getByLabel('Verdict').selectOption('unused');
    await page.getByRole('button', { name: 'Show' }).click();
    const list = page.getByRole('region', { name: 'All indexes' }).getByRole('table');
    await expect(list.getByRole('row')).toHaveCount(2);
    await expect(list).toContainText('idx_payments_amount');
  });

  test('activity: connections, the sequence near its maximum, wraparound', async ({ page }) => {
    await page.goto('/database/activity');
    await expect(page.getByRole('term').filter({ hasText: 'Connections' })).toBeVisible();
    const seqs = page.getByRole('table', { name: /Sequences/ });
    await expect(seqs.getByRole('row').nth(1)).toContainText('public.payments_order_number_seq');
    await expect(seqs.getByRole('row').nth(1)).toContainText('act now');
    await expect(page.getByRole('region', { name: 'Lock waits' })).toBeVisible();
  });

  test('queries: top statements by total time, re-sorted by calls', async ({ page }) => {
    await page.goto('/database/queries');
    const table = page.getByRole('table');
    await expect(table.getByRole('row').nth(1)).toBeVisible();
    await table.getByRole('button', { name: /calls/i }).first().click();
    await expect(page).toHaveURL(/sort=calls/);
    await expect(table.getByRole('columnheader', { name: /^calls/i })).toHaveAttribute('aria-sort', 'descending');
  });
});

const ready = (page: Page) => page.getByRole('heading', { level: 1 });

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`database pages in ${colorScheme}`, () => {
    for (const { path, heading } of PAGES) {
      test(`${path} has no WCAG 2 A/AA violations`, async ({ browser }) => {
        const context = await browser.newContext({ colorScheme, storageState: storageStateOf('engineer'), viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.goto(path);
        await expect(ready(page)).toHaveText(heading);
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
        const name = path.replace(/\//g, '_');
        const shot = await page.screenshot({ fullPage: true, path: `/tmp/kontor${name}-${colorScheme}.png` });
        await test.info().attach(`${name}-${colorScheme}`, { body: shot, contentType: 'image/png' });
        await context.close();
      });
    }
  });
}
