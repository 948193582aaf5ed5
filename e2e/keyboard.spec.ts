import { expect, test } from '@playwright/test';
import { storageStateOf } from './roles';

test.use({ storageState: storageStateOf('admin') });

test('Tab reaches the skip link first, and it moves focus to the content', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
});

test('Tab reaches the navigation and the sign-out button', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Overview' });
  const signOut = page.getByRole('button', { name: 'Sign out' });
  const reached = { nav: false, signOut: false };
  for (let i = 0; i < 40 && !(reached.nav && reached.signOut); i++) {
    await page.keyboard.press('Tab');
    if (await nav.evaluate((el) => el === document.activeElement)) reached.nav = true;
    if (await signOut.evaluate((el) => el === document.activeElement)) reached.signOut = true;
  }
  expect(reached).toEqual({ nav: true, signOut: true });
});

test('focus is visible on the navigation link', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Overview' });
  await nav.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const outline = await nav.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
});
