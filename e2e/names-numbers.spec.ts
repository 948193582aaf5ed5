/**
 * Names, numbers and time (issue 19): the 8 characters of an id a screen shows find its row, in the
 * search box and in a URL; moments read in the viewer's own time zone, with UTC on hover, and without
 * a hydration mismatch. Read-only: demo user 1777 (the finance spec's customer) is only looked at.
 */
import { expect, test } from '@playwright/test';
import { storageStateOf } from './roles';

// pg_temp.uuid('user:1777') in the demo build: ids do not depend on the anchor or the scale.
const USER_ID = '0f76ba97-3bd9-4ac3-881c-32a487af5784';

test.use({ storageState: storageStateOf('support'), timezoneId: 'Asia/Tokyo' });

test('searching the first 8 characters of a user id finds the user', async ({ page }) => {
  await page.goto('/users');
  await page.getByRole('searchbox', { name: 'Search' }).fill(USER_ID.slice(0, 8));
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('table', { name: /Results for/ });
  await expect(results.getByRole('link').first()).toBeVisible();
  await results.locator(`a[href="/users/${USER_ID}"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`/users/${USER_ID}$`));
});

test('a detail URL with the start of an id opens the row it names', async ({ page }) => {
  await page.goto(`/users/${USER_ID.slice(0, 8)}`);
  await expect(page).toHaveURL(new RegExp(`/users/${USER_ID}$`));
  await expect(page.getByRole('region', { name: 'Credits' })).toBeVisible();
  // A prefix nothing starts with is "not found", not an error.
  await page.goto('/users/ffffffffff');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This page does not exist');
});

test('moments read in the viewer\'s zone, UTC on hover, with no hydration mismatch', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`/users/${USER_ID}`);
  const created = page.getByRole('term').filter({ hasText: /^Created$/ }).locator('..').locator('time').first();
  await expect(created).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d GMT\+9$/);
  await expect(created).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d UTC \(/);
  expect(problems.filter((p) => /hydrat|did not match|didn't match/i.test(p))).toEqual([]);
});

test('a user\'s tasks are links to their task pages, the id short with the whole on hover', async ({ page }) => {
  await page.goto(`/users/${USER_ID}`);
  const tasks = page.getByRole('table', { name: 'Tasks' });
  const first = tasks.getByRole('link', { name: /^Task / }).first();
  await expect(first).toHaveText(/^[0-9a-f]{8}$/);
  const id = await first.getAttribute('title');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}$`));
});
