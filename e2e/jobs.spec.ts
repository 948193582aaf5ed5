/**
 * The Jobs page: as admin, the schedule's jobs and "Run now" (a guarded edit) whose run appears with its
 * outcome once a console instance has taken it; every other role is refused with a 403. The e2e server
 * works the queues with its crons off (playwright.config.ts), so the only runs are the ones asked for.
 */
import { expect, test } from '@playwright/test';
import { emailOf, rolesWithout, storageStateOf } from './roles';

test.describe('as admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('each scheduled job is listed; Run now queues a run that appears with its outcome', async ({ page }) => {
    // A commit, a poll of the queue and a snapshot: on a loaded machine that is more than the default 30 s.
    test.setTimeout(180_000);
    await page.goto('/jobs');
    await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Jobs' })).toBeVisible();
    for (const title of ['Database snapshot', 'Queue and worker health', 'Stored finance figures', 'Reconciliation (incremental)', 'Reconciliation (full)', 'Advisors']) {
      await expect(page.getByRole('article', { name: title })).toBeVisible();
    }
    const card = page.getByRole('article', { name: 'Database snapshot' });
    await expect(card.getByText('every 5 minutes')).toHaveCount(0); // crons are off for the e2e server
    await expect(card.getByText(/off \(run now only\)/)).toBeVisible();
    const before = await card.getByRole('row').count();

    await card.getByRole('button', { name: 'Run Database snapshot now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run Database snapshot now' });
    await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
    await dialog.getByLabel(/Reason/).fill('e2e: a fresh point for the growth charts');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });

    const runs = card.getByRole('table', { name: 'Recent runs of Database snapshot' });
    const newest = runs.getByRole('row').nth(1);
    await expect(newest).toContainText(emailOf('admin'), { timeout: 60_000 });
    await expect(newest).toContainText('succeeded', { timeout: 60_000 });
    await expect(newest).toContainText(/tables \d+/);
    expect(await card.getByRole('row').count()).toBeGreaterThan(before);

    await page.goto('/audit');
    await expect(page.getByRole('main')).toContainText('e2e: a fresh point for the growth charts');
  });
});

for (const role of rolesWithout('jobs.read')) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageStateOf(role) });

    test(`the Jobs page refuses ${role} with a 403, and the nav has no Jobs`, async ({ page }) => {
      const response = await page.goto('/jobs');
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: 'Your role may not open this page' })).toBeVisible();
      await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Jobs' })).toHaveCount(0);
    });
  });
}
