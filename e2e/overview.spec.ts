import { expect, test } from '@playwright/test';
import { DEMO_CUSTOMER, emailOf, navLabelsOf, rolesWith, rolesWithout, storageStateOf } from './roles';

for (const role of rolesWith('overview.read')) {
  test.describe(`overview as ${role}`, () => {
    test.use({ storageState: storageStateOf(role) });

    test('shows the database and product figures', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

      const database = page.getByRole('region', { name: 'Database' });
      for (const term of ['Database size', 'Cache hit, tables', 'Cache hit, indexes', 'Connections']) {
        await expect(database.getByRole('term').filter({ hasText: term })).toBeVisible();
      }
      await expect(database.getByRole('definition').first()).toHaveText(/\d+(\.\d)? (bytes|kB|MB|GB)/);

      const product = page.getByRole('region', { name: 'Product' });
      for (const concept of ['Users', 'Payments', 'Credit ledger', 'Tasks', 'Workers']) {
        await expect(product.getByRole('region', { name: concept })).toContainText(/\d/);
      }
      await expect(product.getByRole('region', { name: 'Payments' }).getByRole('term')).toContainText(['Created', 'Completed']);

      const tables = page.getByRole('region', { name: 'Largest tables' }).getByRole('table');
      await expect(tables.getByRole('row')).toHaveCount(6); // header + five
      await expect(tables.getByRole('cell').first()).toHaveText(/^[\w$]+\.[\w$]+$/); // schema-qualified
    });

    test('the header names the staff member, the database and the environment', async ({ page }) => {
      await page.goto('/');
      const banner = page.getByRole('banner');
      await expect(banner).toContainText(emailOf(role));
      await expect(banner).toContainText(new RegExp(role, 'i'));
      await expect(banner).toContainText('kontor_demo');
      await expect(banner).toContainText(/local/i);
      await expect(banner).not.toContainText(/postgres:\/\/|:postgres@/);
      await expect(banner.getByRole('button', { name: 'Sign out' })).toBeVisible();
    });

    test('the sidebar lists exactly the areas this role may open', async ({ page }) => {
      await page.goto('/');
      const links = page.getByRole('navigation', { name: 'Areas' }).getByRole('link');
      await expect(links).toHaveText(navLabelsOf(role));
      await expect(links.filter({ hasText: 'Overview' })).toHaveAttribute('aria-current', 'page');
    });
  });
}

for (const role of rolesWithout('overview.read')) {
  test(`overview refuses ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    const response = await page.goto('/');
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toHaveCount(0);
    await context.close();
  });
}

test.describe('largest tables', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('a column header re-sorts through the URL, whitelisted', async ({ page }) => {
    await page.goto('/');
    const region = page.getByRole('region', { name: 'Largest tables' });
    await region.getByRole('button', { name: /indexes/i }).click();
    await expect(page).toHaveURL(/tables_sort=index/);
    await expect(region.getByRole('columnheader', { name: /indexes/i })).toHaveAttribute('aria-sort', 'descending');
    await expect(region.getByRole('columnheader', { name: /total/i })).toHaveAttribute('aria-sort', 'none');

    await page.goto('/?tables_sort=pg_sleep(10)&tables_dir=sideways');
    await expect(region.getByRole('columnheader', { name: /total/i })).toHaveAttribute('aria-sort', 'descending');
  });
});

test.describe('signed out', () => {
  test('the overview redirects to /login', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole('button', { name: /sign in/i })).toBeVisible();
  });

  test('a product user who is not staff is refused', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(DEMO_CUSTOMER.email);
    await page.getByLabel('Password').fill(DEMO_CUSTOMER.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await expect(page.getByRole('alert').filter({ hasText: /./ })).toBeVisible();
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
  });
});

test.describe('screenshots', () => {
  test.use({ storageState: storageStateOf('admin') });
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`overview in ${colorScheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto('/');
      await expect(page.getByRole('region', { name: 'Largest tables' }).getByRole('table')).toBeVisible();
      const shot = await page.screenshot({ fullPage: true, path: `/tmp/kontor-overview-${colorScheme}.png` });
      await test.info().attach(`overview-${colorScheme}`, { body: shot, contentType: 'image/png' });
    });
  }
});
