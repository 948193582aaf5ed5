/**
 * What an edit tells staff (issue 19): the outcome in a status line at once, the page showing the new
 * state without a reload, a pending request named on its payment with the Request button disabled,
 * names instead of ids in approvals and the audit log, and previews that never break a value at 390 px.
 * Uses demo users 1927 and 1933, which no other spec touches.
 */
import { expect, test, type Page } from '@playwright/test';
import { storageStateOf } from './roles';

// pg_temp.uuid('user:N') in the demo build: ids do not depend on the anchor or the scale.
const REFUND_USER = 'f8e695c8-4df9-4a60-89ac-51efa06a9dcb'; // user 1927
const CREDIT_USER = '32e85dfa-d933-497a-8b8b-cfa962246c3b'; // user 1933
const REASON = 'Customer ticket 9131: charged for a render that never finished';
/** Without a reload: the dialog closes on the new state, so this is short even on a busy machine. */
const AT_ONCE = { timeout: 2_000 };

async function confirmWithReason(page: Page, button: RegExp) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
  await dialog.getByLabel(/^Reason/).fill(REASON);
  await dialog.getByRole('button', { name: button }).click();
  await expect(dialog).toBeHidden();
}

/** Words (runs of non-space characters) in `root` that a line break cuts in two. */
async function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((roots) => {
    const broken: string[] = [];
    for (const root of roots) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  });
}

test('a refund request: "Filed for approval" at once, the payment says who asked and when, Request refund is disabled; approvals and audit name the payment', async ({ browser }) => {
  const support = await browser.newContext({ storageState: storageStateOf('support') });
  const page = await support.newPage();
  await page.goto(`/payments?user=${REFUND_USER}&status=completed&currency=USD`);
  await page.getByRole('table', { name: 'Payments matching the filters' }).getByRole('row').nth(1).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]{36}$/);
  const paymentId = page.url().split('/').pop()!;
  const heading = (await page.getByRole('heading', { level: 1 }).textContent())!.replace(/^Payment /, '').trim();
  expect(heading, 'the payment has an order number').not.toBe(paymentId);

  const refunds = page.getByRole('region', { name: 'Refunds' });
  const request = refunds.getByRole('button', { name: 'Request refund' });
  await refunds.getByLabel(/Refund amount/).fill('1.00');
  await request.click();
  // The preview names the payment by its order number; the id is on hover.
  await expect(page.getByRole('dialog').getByRole('region', { name: 'Preview' })).toContainText(heading);
  await confirmWithReason(page, /Request approval/);

  const status = page.getByRole('status').filter({ hasText: 'Filed for approval' });
  await expect(status).toContainText(/request #\d+/, AT_ONCE);
  const requestId = /request #(\d+)/.exec((await status.textContent())!)![1];
  await expect(page.getByText('A request is waiting for approval'), 'the page behind shows the request').toBeVisible(AT_ONCE);
  await expect(request).toBeDisabled(AT_ONCE);
  await expect(refunds).toContainText(`Request #${requestId} is waiting for approval`);

  // From the database, not from the dialog's memory: a reload says the same.
  await page.reload();
  const note = page.getByText('A request is waiting for approval').locator('..');
  await expect(note).toContainText(`#${requestId}`);
  await expect(note).toContainText('support@kontor.dev');
  await expect(note.getByRole('link', { name: 'Approvals' })).toHaveAttribute('href', '/approvals');
  await expect(refunds.getByRole('button', { name: 'Request refund' })).toBeDisabled();
  await support.close();

  // Approvals and the audit log name the payment by its order number, the id on hover, never as type:id text.
  const finance = await browser.newContext({ storageState: storageStateOf('finance') });
  const fpage = await finance.newPage();
  await fpage.goto('/approvals');
  const row = fpage.getByRole('row').filter({ hasText: `request #${requestId}` });
  await expect(row).toContainText(heading);
  await expect(row).not.toContainText(`payment:${paymentId}`);
  await expect(row.locator(`[title="payment ${paymentId}"]`)).toHaveText(heading);
  await row.getByLabel('Your reason').fill('Checked the failed render in the worker logs: refund it');
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(fpage.getByRole('region', { name: 'Decided' }).getByRole('row').filter({ hasText: `request #${requestId}` })).toContainText(/approved/i);

  await fpage.goto(`/audit?target=${encodeURIComponent(`payment:${paymentId}`)}`);
  const log = fpage.getByRole('main').getByRole('table').first();
  await expect(log).toContainText('Refund a payment (requested)');
  await expect(log).toContainText(heading);
  await expect(log).not.toContainText('payments.refund');
  await expect(log).not.toContainText(`payment:${paymentId}`);
  await finance.close();
});

test('a credit adjustment: "Added 5.00 credits - audit #N" and the new ledger sum at once; the preview keeps every value whole at 390 px', async ({ browser }) => {
  const finance = await browser.newContext({ storageState: storageStateOf('finance'), viewport: { width: 390, height: 844 } });
  const page = await finance.newPage();
  await page.goto(`/finance/accounts/${CREDIT_USER}`);
  const sum = page.locator('dt', { hasText: 'Ledger sum' }).locator('xpath=following-sibling::dd[1]');
  const before = Number((await sum.textContent())!.replace(/[^\d.-]/g, ''));

  await page.getByLabel(/^Credits/).fill(' 5 ');
  await page.getByRole('button', { name: 'Adjust credits' }).click();
  const preview = page.getByRole('dialog').getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('table')).toBeVisible();
  await expect(preview).toContainText('Balance'); // the field as staff say it, not its internal name
  expect(await brokenWords(page, 'dialog [aria-label="Preview"] table'), 'no value broken across lines').toEqual([]);
  await confirmWithReason(page, /^Confirm$/);

  const status = page.getByRole('status').filter({ hasText: /Added 5(\.00)? credits/ });
  await expect(status).toContainText(/audit #\d+/, AT_ONCE);
  await expect.poll(async () => Number((await sum.textContent())!.replace(/[^\d.-]/g, '')), AT_ONCE).toBe(before + 5);
  const audit = status.getByRole('link', { name: /audit #\d+/ });
  await audit.click();
  await expect(page).toHaveURL(/\/audit\?entry=\d+$/);
  const log = page.getByRole('main').getByRole('table').first();
  await expect(log).toContainText('Adjust credits');
  expect(await brokenWords(page, 'main table table'), 'no value broken across lines in the audit log').toEqual([]);
  await finance.close();
});
