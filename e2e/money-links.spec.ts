/**
 * Issue 19, money told one way, as finance: every link on the reconciliation page opens (no link into
 * a refusal), money on the queue is shown there, and reversing a completed payment's only grant is
 * refused with a way to its refund. Reads only: nothing here writes to the shared database.
 */
import { expect, test } from '@playwright/test';
import { storageStateOf } from './roles';

/** The console's refusal (a page that streams under the loading boundary refuses with this heading, status 200). */
const REFUSED = 'Your role may not open this page';

test.describe.configure({ mode: 'serial' });
test.use({ storageState: storageStateOf('finance') });

async function latestRun(page: import('@playwright/test').Page) {
  await page.goto('/finance/reconciliation');
  // A run of its own when no finished run is listed yet (a fresh e2e database).
  if (await page.getByText('No reconciliation yet').isVisible()) {
    await page.getByRole('button', { name: 'Run reconciliation' }).click();
    await expect(page).toHaveURL(/run=\d+/, { timeout: 120_000 });
  }
  await expect(page.getByRole('list', { name: 'Discrepancies by kind' })).toBeVisible();
}

test('as finance, every link on the reconciliation page opens, and money on the queue is there', async ({ page }) => {
  test.setTimeout(600_000);
  await latestRun(page);
  // Task findings are listed, named but not linked: finance may not open task pages.
  await page.goto(`${page.url().split('?')[0]}?kind=failed_task_charged`);
  const findings = page.getByRole('table', { name: 'Failed or cancelled task that was charged' });
  await expect(findings.getByRole('row').filter({ hasText: 'task ' }).first()).toBeVisible();
  await page.goto('/finance/reconciliation');

  const money = page.getByRole('region', { name: 'Money on the queue' });
  // The demo's planted ones (other specs may correct some meanwhile: at least one of each kind).
  await expect(money.getByRole('row').filter({ hasText: 'Failed, but charged' }).first()).toBeVisible();
  await expect(money.getByRole('row').filter({ hasText: 'Completed, never charged' }).first()).toBeVisible();
  // Finance makes the corrections: each row links to the account where it is made.
  await expect(money.getByRole('link', { name: /Fix in finance/ }).first()).toBeVisible();

  // The refusal detector itself: a page finance may not open is caught by it.
  const probe = await page.context().newPage();
  await probe.goto('/tasks/queue');
  await expect(probe.getByRole('heading', { level: 1, name: REFUSED })).toBeVisible();

  const seen = new Set<string>();
  for (const url of ['/finance/reconciliation', '/finance/reconciliation?kind=failed_task_charged', '/finance/reconciliation?kind=completed_task_not_charged']) {
    await page.goto(url);
    await expect(page.getByRole('region', { name: 'Money on the queue' }).getByRole('table')).toBeVisible();
    const hrefs = await page.locator('a[href^="/"]').evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')!))]);
    expect(hrefs.filter((h) => h.startsWith('/tasks/'))).toEqual([]);
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs.filter((h) => !seen.has(h))) {
      seen.add(href);
      const res = await page.request.get(href);
      expect(res.status(), href).toBe(200);
      if (!(res.headers()['content-type'] ?? '').includes('text/html')) continue; // the CSV
      await probe.goto(href);
      await expect(probe.getByRole('heading', { level: 1 }).first(), href).toBeVisible();
      await expect(probe.getByRole('heading', { level: 1, name: REFUSED }), href).toHaveCount(0);
    }
  }
  await probe.close();
});

test('reversing a completed payment\'s only grant is refused, with a link to its refund', async ({ page }) => {
  await latestRun(page);
  await page.goto(`${page.url().split('?')[0]}?kind=ledger_of_deleted_user`);
  // The deleted users' completed payments each keep their one grant: reversing it would leave none.
  await page.getByRole('table', { name: 'Ledger rows of users that no longer exist' }).getByRole('link', { name: /entries$/ }).first().click();
  const involved = page.getByRole('region', { name: 'Entries involved' });
  await involved.getByRole('row').filter({ hasText: 'purchase' }).first().getByRole('button', { name: /^Reverse entry/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('This edit cannot be made')).toBeVisible();
  await expect(dialog).toContainText('completed payment with no grant');
  const refund = dialog.getByRole('link', { name: /^Refund payment / });
  await expect(refund).toHaveAttribute('href', /^\/payments\/[0-9a-f-]{36}#refunds$/);
  await refund.click();
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]{36}#refunds$/);
  await expect(page.getByRole('heading', { level: 1, name: /^Payment / })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Refunds' })).toBeVisible();
});
