/**
 * "Download CSV" on payments, tasks and the audit log (issue 19): the file holds what the page shows,
 * in the page's order (the page's first rows are the file's first rows); a role without the page's
 * capability gets a 403 from the export.
 */
import fs from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { storageStateOf } from './roles';

/** The first column of each data line (ids: no commas or quotes). */
async function downloadIds(page: Page, link = 'Download CSV'): Promise<{ header: string; ids: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  const text = await fs.readFile((await download.path())!, 'utf8');
  const [header, ...lines] = text.split('\r\n').filter(Boolean);
  return { header, ids: lines.map((l) => l.split(',')[0]) };
}

const idsFromLinks = async (page: Page, table: string, prefix: string) =>
  (await page.getByRole('table', { name: table }).getByRole('link').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? '')))
    .filter((h) => h.startsWith(prefix)).map((h) => h.slice(prefix.length));

test.describe('CSV downloads as admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('tasks: the filtered list, in its order', async ({ page }) => {
    await page.goto('/tasks?status=failed&sort=created&dir=asc');
    const shown = await idsFromLinks(page, 'Tasks', '/tasks/');
    expect(shown.length).toBeGreaterThan(1);
    const { header, ids } = await downloadIds(page);
    expect(header).toBe('id,task_type,status,user_id,worker_id,attempts,cost,created_at,updated_at');
    expect(ids.slice(0, shown.length)).toEqual(shown);
  });

  test('payments: the filtered list, in its order', async ({ page }) => {
    // Oldest first, not by amount: an amount order would use idx_payments_amount, which the advisors'
    // spec (security.spec) expects to find unused in the shared e2e database.
    await page.goto('/payments?status=completed&sort=created&dir=asc');
    const shown = await idsFromLinks(page, 'Payments matching the filters', '/payments/');
    expect(shown.length).toBeGreaterThan(1);
    const { ids } = await downloadIds(page);
    expect(ids.slice(0, shown.length)).toEqual(shown);
  });

  test('audit log: the entries the page lists', async ({ page }) => {
    await page.goto('/audit');
    const shown = (await page.locator('caption', { hasText: /^Changes of entry / }).allTextContents()).map((c) => c.replace('Changes of entry ', ''));
    const { header, ids } = await downloadIds(page);
    expect(header.startsWith('id,at,staff_email')).toBe(true);
    expect(ids.slice(0, shown.length)).toEqual(shown);
  });
});

test('an export refuses a role without its page\'s capability', async ({ browser }) => {
  for (const [role, list] of [['support', 'audit'], ['engineer', 'payments'], ['finance', 'tasks']] as const) {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const res = await context.request.get(`/export/${list}`);
    expect(res.status(), `${role} ${list}`).toBe(403);
    await context.close();
  }
});
