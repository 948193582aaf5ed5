/**
 * HTTP statuses that uptime checks and scripts rely on: a page a role may not open answers 403, a
 * missing thing 404, before the loading boundary streams anything; and every page carries the
 * security headers.
 */
import { expect, test } from '@playwright/test';
import { storageStateOf } from './roles';

test.describe('as viewer', () => {
  test.use({ storageState: storageStateOf('viewer') });

  test('a page the role may not open answers 403 with the explanation', async ({ page }) => {
    for (const path of ['/staff', '/database/tables', '/finance/reconciliation']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByRole('heading', { name: 'Your role may not open this page' })).toBeVisible();
    }
  });
});

test.describe('as admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('a missing user, payment, task or table answers 404; an unknown path too', async ({ page }) => {
    for (const path of [
      '/users/00000000-0000-4000-8000-00000000dead',
      '/users/not-an-id',
      '/payments/00000000-0000-4000-8000-00000000dead',
      '/tasks/00000000-0000-4000-8000-00000000dead',
      '/database/tables/public/no_such_table',
      '/no-such-area',
    ]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
    }
  });

  test('pages answer 200 with the security headers', async ({ page }) => {
    const response = await page.goto('/database/tables');
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
    await expect(page.getByRole('heading', { name: 'Tables', exact: true })).toBeVisible();
  });
});
