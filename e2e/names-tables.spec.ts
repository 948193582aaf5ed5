/**
 * Names in the tables (issue 19): the ledger's payment column shows the order number, money on the
 * queue and the reconciliation's findings show the user's email, each with the id on hover; the
 * statement's balance form takes the start of an id or an email and says which user it meant.
 * Read-only, apart from a reconciliation run where the e2e database has none yet.
 */
import { expect, test, type Page } from '@playwright/test';
import { storageStateOf } from './roles';

// pg_temp.uuid('user:<n>') in the demo build: ids do not depend on the anchor or the scale.
const BUYER = 'e984ed9f-50ad-408d-8bd0-8ac492628920'; // the support spec's customer: completed USD payments
const CUSTOMER = '0f76ba97-3bd9-4ac3-881c-32a487af5784'; // user 1777
const EMAIL = /^[^\s@]+@[^\s@]+$/;

test.use({ storageState: storageStateOf('finance') });

async function latestRun(page: Page) {
  await page.goto('/finance/reconciliation');
  if (await page.getByText('No reconciliation yet').isVisible()) {
    await page.getByRole('button', { name: 'Run reconciliation' }).click();
    await expect(page).toHaveURL(/run=\d+/, { timeout: 120_000 });
  }
  await expect(page.getByRole('list', { name: 'Discrepancies by kind' })).toBeVisible();
}

test('the ledger\'s payment column names each payment by its order number, the id on hover', async ({ page }) => {
  await page.goto(`/users/${BUYER}`);
  const ledger = page.getByRole('table', { name: /^Ledger entries/ });
  const payments = ledger.locator('a[href^="/payments/"]');
  await expect(payments.first()).toBeVisible();
  for (const a of await payments.all()) {
    await expect(a).toHaveText(/^ORD-\d+$/);
    const href = (await a.getAttribute('href'))!;
    await expect(a).toHaveAttribute('title', decodeURIComponent(href.slice('/payments/'.length)));
  }
});

test('money on the queue and the findings show the user\'s email, the id on hover', async ({ page }) => {
  test.setTimeout(300_000);
  await latestRun(page);
  const money = page.getByRole('region', { name: 'Money on the queue' });
  const users = money.getByRole('table').locator('a[href^="/users/"]');
  await expect(users.first()).toBeVisible();
  for (const a of (await users.all()).slice(0, 10)) {
    await expect(a).toHaveText(EMAIL);
    await expect(a).toHaveAttribute('title', (await a.getAttribute('href'))!.slice('/users/'.length));
  }

  await page.goto(`${page.url().split('?')[0]}?kind=balance_drift`);
  const findings = page.getByRole('table', { name: 'Cached balance differs from the ledger sum' });
  const accounts = findings.locator('a[href^="/finance/accounts/"]');
  await expect(accounts.first()).toBeVisible();
  const named = accounts.filter({ hasText: EMAIL });
  await expect(named.first()).toBeVisible();
  const first = named.first();
  await expect(first).toHaveAttribute('title', /^[0-9a-f-]{36}$/);
});

test('the balance form takes the start of an id or an email and names the user; anything else gets a reason', async ({ page }) => {
  await page.goto('/finance/statement');
  const form = page.getByRole('region', { name: 'Balance of a user at any moment' });
  await form.getByLabel('User', { exact: true }).fill(CUSTOMER.slice(0, 8));
  await form.getByRole('button', { name: 'Replay' }).click();
  const answer = page.getByRole('region', { name: 'Balance of a user at any moment' }).getByRole('status');
  // Each submit reloads the whole statement (its totals and days first): seconds on a loaded machine.
  await expect(answer).toContainText('found by the start of its id', { timeout: 30_000 });
  await expect(answer).toContainText(CUSTOMER);
  const email = (await answer.locator('strong').first().textContent())!;
  expect(email).toMatch(EMAIL);
  await expect(answer).toContainText(/Balance at .*credits, from \d+ entries/);

  await form.getByLabel('User', { exact: true }).fill(email.toUpperCase());
  await form.getByRole('button', { name: 'Replay' }).click();
  await expect(page.getByRole('region', { name: 'Balance of a user at any moment' }).getByRole('status')).toContainText('found by email', { timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Balance of a user at any moment' }).getByRole('status')).toContainText(CUSTOMER);

  await form.getByLabel('User', { exact: true }).fill('cus_not_ours');
  await form.getByRole('button', { name: 'Replay' }).click();
  await expect(page.getByRole('region', { name: 'Balance of a user at any moment' })).toContainText('cus_not_ours is not a user id here: type a uuid', { timeout: 30_000 });
});
