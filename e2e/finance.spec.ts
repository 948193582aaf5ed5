/**
 * Finance's day: run a reconciliation and find a planted drift under its kind, fix it through the
 * confirm dialog, adjust and reverse credits, check that a statement's CSV adds up to the screen, and
 * that the pages are refused to roles without credits.read. Specs share one database, so this one
 * touches only demo users 37 (a planted drift) and 1777 (no defect, no other spec).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectRefused, rolesWithout, storageStateOf } from './roles';

// pg_temp.uuid('user:<n>') in the demo build: ids do not depend on the anchor or the scale.
const DRIFTED = '897f7eff-3660-4f17-8e1c-3c1244deca8a'; // user 37: cached balance 120.00 above its ledger
const CUSTOMER = '0f76ba97-3bd9-4ac3-881c-32a487af5784'; // user 1777
const REASON = 'Reconciliation found it; finance ticket FIN-2207 explains the case';

async function confirmWithReason(page: Page, button = /^Confirm$/) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
  await dialog.getByLabel(/^Reason/).fill(REASON);
  await dialog.getByRole('button', { name: button }).click();
  await expect(dialog).toBeHidden();
}

const cents = (s: string) => Math.round(Number(s.replace(/[^0-9.\-−]/g, '').replace('−', '-')) * 100);

test.describe.configure({ mode: 'serial' });
test.use({ storageState: storageStateOf('finance') });

test('a run finds the planted drift under its kind; fixing it leaves the ledger and removes the finding', async ({ page }) => {
  await page.goto('/finance/reconciliation');
  await page.getByRole('button', { name: 'Run reconciliation' }).click();
  await expect(page).toHaveURL(/run=\d+/);
  const kinds = page.getByRole('list', { name: 'Discrepancies by kind' });
  await kinds.getByRole('link', { name: /Cached balance differs from the ledger sum/ }).click();
  const findings = page.getByRole('table', { name: 'Cached balance differs from the ledger sum' });
  await expect(findings.getByRole('link', { name: `Account ${DRIFTED}` })).toBeVisible();

  await findings.getByRole('link', { name: `Account ${DRIFTED}` }).click();
  await expect(page).toHaveURL(new RegExp(`/finance/accounts/${DRIFTED}`));
  const ledgerSum = await page.getByRole('definition').filter({ hasText: /entries/ }).first().textContent();
  await page.getByRole('button', { name: 'Fix drifted balance' }).click();
  await expect(page.getByRole('dialog').getByRole('table')).toContainText('120.00');
  await confirmWithReason(page);
  await expect(page.getByRole('button', { name: 'Fix drifted balance' })).toHaveCount(0);
  await expect(page.getByText('The cached balance equals the ledger.')).toBeVisible();
  expect(await page.getByRole('definition').filter({ hasText: /entries/ }).first().textContent()).toBe(ledgerSum);

  await page.goto('/finance/reconciliation');
  await page.getByRole('button', { name: 'Run reconciliation' }).click();
  await expect(page).toHaveURL(/run=\d+/);
  await page.getByRole('list', { name: 'Discrepancies by kind' }).getByRole('link', { name: /Cached balance differs/ }).click();
  await expect(page.getByRole('table', { name: 'Cached balance differs from the ledger sum' })).not.toContainText(DRIFTED.slice(0, 8));
});

test('adjust credits, then reverse the adjustment: the balance comes back', async ({ page }) => {
  await page.goto(`/finance/accounts/${CUSTOMER}`);
  const balance = async () => page.getByRole('term').filter({ hasText: 'Ledger sum' }).locator('..').getByRole('definition').first().textContent();
  const before = cents((await balance())!);
  // Bad input gets a clear message and writes nothing.
  await page.getByLabel(/^Credits/).fill('12.345');
  await page.getByRole('button', { name: 'Adjust credits' }).click();
  await expect(page.getByRole('dialog')).toContainText('at most 2 decimals');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await page.getByLabel(/^Credits/).fill('7.25');
  await page.getByRole('button', { name: 'Adjust credits' }).click();
  await confirmWithReason(page);
  await expect.poll(async () => cents((await balance())!)).toBe(before + 725);

  const ledger = page.getByRole('table', { name: 'Ledger entries up to the moment' });
  await page.goto(`/finance/accounts/${CUSTOMER}?at=2099-01-01T00:00:00`);
  const newest = ledger.getByRole('row').nth(1);
  await expect(newest).toContainText('manual');
  await newest.getByRole('button', { name: /^Reverse entry/ }).click();
  await confirmWithReason(page);
  await page.goto(`/finance/accounts/${CUSTOMER}`);
  await expect.poll(async () => cents((await balance())!)).toBe(before);
});

test('the statement adds up, and its CSV equals the screen', async ({ page }) => {
  await page.goto('/finance/statement');
  const month = await page.getByLabel('Month').inputValue();
  const [y, m] = month.split('-').map(Number);
  const previous = `${m === 1 ? y - 1 : y}-${String(m === 1 ? 12 : m - 1).padStart(2, '0')}`;
  await page.goto(`/finance/statement?period=month&month=${previous}`);
  const terms = page.getByLabel('Opening plus activity equals closing');
  await expect(terms).toContainText('= Closing balance');
  const values = (await terms.getByRole('definition').allTextContents()).map(cents);
  const [opening, grants, spends, adjustments, refunds, expiries, other, closing] = values;
  expect(opening + grants - spends + adjustments - refunds - expiries + other).toBe(closing);

  const csv = await page.request.get(`/finance/export/statement-users?period=month&month=${previous}`);
  expect(csv.ok()).toBe(true);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const [header, ...rows] = (await csv.text()).trim().split('\r\n').map((l) => l.split(','));
  const at = header.indexOf('closing');
  expect(rows.reduce((s, r) => s + cents(r[at]), 0)).toBe(closing);
  await expect(page.getByRole('img', { name: /Credits issued and consumed per day/ })).toBeVisible();
});

test('usage costs show the margin and the users where it is negative', async ({ page }) => {
  await page.goto('/finance/usage-costs');
  await expect(page.getByRole('heading', { level: 1, name: 'Usage costs' })).toBeVisible();
  await page.getByRole('link', { name: 'Only users with a negative margin' }).click();
  const users = page.getByRole('table', { name: 'Usage costs per user' });
  await expect(users.getByRole('row').nth(1)).toContainText(/[−-]\$/);
});

for (const role of rolesWithout('credits.read')) {
  test(`finance pages refuse ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    await expectRefused(page, ['/finance/reconciliation', '/finance/statement', '/finance/usage-costs']);
    // The CSV export is a route handler: it answers 403.
    const csv = await page.request.get('/finance/export/statement-days');
    expect(csv.status()).toBe(403);
    await context.close();
  });
}

test('support reads the books but has no corrections', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf('support') });
  const page = await context.newPage();
  await page.goto(`/finance/accounts/${CUSTOMER}`);
  await expect(page.getByRole('heading', { level: 2, name: /Balance as of/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Adjust credits' })).toHaveCount(0);
  // Starting a reconciliation is finance's and admin's (credits.reconcile), not a reader's.
  await page.goto('/finance/reconciliation');
  await expect(page.getByRole('heading', { level: 1, name: 'Reconciliation' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run reconciliation' })).toHaveCount(0);
  await context.close();
});

for (const colorScheme of ['light', 'dark'] as const) {
  for (const path of ['/finance/reconciliation', '/finance/statement', '/finance/usage-costs', `/finance/accounts/${CUSTOMER}`]) {
    test(`${path} has no WCAG 2 A/AA violations in ${colorScheme}`, async ({ browser }) => {
      const context = await browser.newContext({ colorScheme, storageState: storageStateOf('finance') });
      const page = await context.newPage();
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await context.close();
    });
  }
}
