/**
 * Support's day: find a customer by email prefix, open them, add a note, request a refund that finance
 * approves, and see both in the audit log. Specs run in parallel on one database, so this one uses a
 * customer no other spec touches (demo user 1915, not in the manifest) and only that user's payments.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectRefused, storageStateOf } from './roles';

// pg_temp.uuid('user:1915') in the demo build: ids do not depend on the anchor or the scale.
const USER_ID = 'e984ed9f-50ad-408d-8bd0-8ac492628920';
const REASON = 'Customer ticket 8123: the export failed and they asked for money back';

async function confirmWithReason(page: Page, button: RegExp) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
  await dialog.getByLabel(/^Reason/).fill(REASON);
  await dialog.getByRole('button', { name: button }).click();
  await expect(dialog).toBeHidden();
}

test('support finds a user by email prefix, adds a note, requests a refund; finance approves; both are in the audit log', async ({ browser }) => {
  const support = await browser.newContext({ storageState: storageStateOf('support') });
  const page = await support.newPage();

  // The customer's email, from their page (the demo's emails may change; their id does not).
  await page.goto(`/users/${USER_ID}`);
  const email = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();
  expect(email).toMatch(/@/);

  // Search by the start of the email, in capitals: case-insensitive prefix.
  await page.goto('/users');
  await page.getByRole('searchbox', { name: 'Search' }).fill(email.slice(0, 10).toUpperCase());
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('table', { name: /Results for/ });
  await results.getByRole('link', { name: email, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${USER_ID}$`));
  await expect(page.getByRole('region', { name: 'Credits' })).toContainText('Ledger sum');

  // A note, through the confirm dialog.
  const note = `Asked for a refund of the 25 USD pack (${Date.now()})`;
  const notes = page.getByRole('region', { name: 'Staff notes' });
  await notes.getByLabel('New note').fill(note);
  await notes.getByRole('button', { name: 'Add note' }).click();
  await confirmWithReason(page, /^Confirm$/);
  await expect(notes.getByRole('table')).toContainText(note);

  // A refund of one of their completed payments: support can only request it.
  await page.goto(`/payments?user=${USER_ID}&status=completed&currency=USD`);
  await page.getByRole('table', { name: 'Payments matching the filters' }).getByRole('row').nth(1).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]{36}$/);
  const paymentId = page.url().split('/').pop()!;
  const refunds = page.getByRole('region', { name: 'Refunds' });
  await refunds.getByLabel(/Refund amount/).fill('1.00');
  await refunds.getByRole('button', { name: 'Request refund' }).click();
  await expect(page.getByRole('dialog')).toContainText('another staff member approves');
  await confirmWithReason(page, /Request approval/);
  await expect(refunds.getByRole('table')).toContainText('No refunds recorded');
  await support.close();

  // Finance approves the request.
  const finance = await browser.newContext({ storageState: storageStateOf('finance') });
  const fpage = await finance.newPage();
  await fpage.goto('/approvals');
  const row = fpage.getByRole('row').filter({ has: fpage.locator(`[data-target-id="${paymentId}"]`) });
  await row.getByLabel('Your reason').fill('Checked the failed export in the logs: refund is right');
  await row.getByRole('button', { name: 'Approve' }).click();

  // The refund exists now, as a record and a negative ledger entry.
  await expect(async () => {
    await fpage.goto(`/payments/${paymentId}`);
    await expect(fpage.getByRole('region', { name: 'Refunds' }).getByRole('table')).toContainText('$1.00', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(fpage.getByRole('region', { name: 'Credit grant' }).getByRole('table')).toContainText('refund');

  // Both edits in the audit log.
  await fpage.goto(`/audit?target=${encodeURIComponent(`payment:${paymentId}`)}`);
  const log = fpage.getByRole('main').getByRole('table').first();
  await expect(log).toContainText('Refund a payment (requested)');
  await expect(log).toContainText(/Refund a payment(?! \(requested\))/);
  await fpage.goto(`/audit?target=${encodeURIComponent(`user:${USER_ID}`)}`);
  await expect(fpage.getByRole('main').getByRole('table').first()).toContainText('Add a note to a user');
  // And on the user's page, for finance (who may read the audit log).
  await fpage.goto(`/users/${USER_ID}`);
  const history = fpage.getByRole('region', { name: 'Audit history' });
  await expect(history.getByRole('table')).toContainText('Add a note to a user');
  await expect(history.getByRole('table')).toContainText('Refund a payment');
  await finance.close();
});

test('the flagged payments: paid with no credits, and credited twice', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: storageStateOf('finance') });
  const page = await ctx.newPage();
  await page.goto('/payments?flag=any');
  const table = page.getByRole('table', { name: 'Payments matching the filters' });
  await expect(table.getByText('Paid, no credits')).toHaveCount(2);
  await expect(table.getByText('Credited twice')).toHaveCount(1);
  await ctx.close();
});

test('a role without payments.read is refused payments on the server (page and user page section)', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: storageStateOf('engineer') });
  const page = await ctx.newPage();
  await expectRefused(page, ['/payments']);
  await page.goto(`/users/${USER_ID}`);
  await expect(page.getByRole('region', { name: 'Payments' })).toHaveCount(0);
  await ctx.close();
});

test('Ctrl+K opens the command palette and searches', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: storageStateOf('support') });
  const page = await ctx.newPage();
  await page.goto('/');
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await palette.getByRole('combobox').fill(USER_ID);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/users\?q=/);
  await expect(page.getByRole('table', { name: /Results for/ }).getByRole('link')).toHaveCount(1);
  await ctx.close();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`support pages have no WCAG 2 A/AA violations (${colorScheme})`, async ({ browser }) => {
    const ctx = await browser.newContext({ colorScheme, storageState: storageStateOf('finance') });
    const page = await ctx.newPage();
    for (const path of ['/users?q=zoe', `/users/${USER_ID}`, '/payments', '/payments?flag=any']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
    await ctx.close();
  });
}

test('an id of the wrong type for the product is "not found", not an error', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: storageStateOf('admin') });
  const page = await ctx.newPage();
  // The demo's keys are uuids; integer keys are valid for other products (Seydam's), so they reach the query.
  for (const path of ['/users/123', '/payments/123', '/users/99999999999999999']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'This page does not exist' }), path).toBeVisible();
  }
  await ctx.close();
});
