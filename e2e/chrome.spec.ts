/** The console's chrome: a favicon, and the areas behind a keyboard-usable "Menu" disclosure at phone width. */
import { expect, test } from '@playwright/test';
import { navLabelsOf, storageStateOf } from './roles';

test('the icon link answers 200 with an image, signed out too', async ({ page, request }) => {
  await page.goto('/login');
  const href = await page.locator('head link[rel="icon"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  const res = await request.get(href!, { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^image\//);
});

test.describe('at phone width', () => {
  test.use({ storageState: storageStateOf('admin'), viewport: { width: 390, height: 800 } });

  test('the areas are behind a Menu button that opens and closes by keyboard', async ({ page }) => {
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Areas' });
    const menu = nav.getByRole('button', { name: 'Menu' });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav.getByRole('link', { name: 'Payments' })).toBeHidden();

    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    for (const label of navLabelsOf('admin')) await expect(nav.getByRole('link', { name: label, exact: true })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');

    // Following a link closes the menu on the new page.
    await menu.click();
    await nav.getByRole('link', { name: 'Payments', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Payments' })).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

test.describe('at desktop width', () => {
  test.use({ storageState: storageStateOf('admin'), viewport: { width: 1280, height: 800 } });

  test('the areas are always shown and there is no Menu button', async ({ page }) => {
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Areas' });
    await expect(nav.getByRole('button', { name: 'Menu' })).toBeHidden();
    await expect(nav.getByRole('link', { name: 'Payments', exact: true })).toBeVisible();
  });
});
