/**
 * Webhooks (issue 20, delivery), as admin: add a signed webhook pointing at a receiver this spec runs,
 * send a test, see it delivered in the log with a valid signature; the secret appears nowhere in the
 * page (HTML and RSC payload). Other roles are refused.
 */
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { rolesWithout, storageStateOf } from './roles';
import { SIGNATURE_HEADER, verifySignature } from '@/lib/alerts/webhook-format';

const RX_PORT = 4464;
const SECRET = 'e2e_whsec_3b1f0c9a7d5e4f21';
const REASON = 'On-call wants Kontor alerts in its receiver';

test.describe('webhooks as admin', () => {
  test.use({ storageState: storageStateOf('admin') });
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let server: http.Server;

  test.beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(RX_PORT, '127.0.0.1', resolve));
  });
  test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('add a signed webhook, send a test: delivered, signed, and the secret is never in the page', async ({ page }) => {
    const name = `E2E receiver ${Date.now().toString(36)}`;
    await page.goto('/alerts/webhooks');
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    const add = page.getByRole('region', { name: 'Add a webhook' });
    await add.getByLabel('Name').fill(name);
    await add.getByLabel('URL').fill(`http://127.0.0.1:${RX_PORT}/kontor`);
    await add.getByLabel(/^Secret/).fill(SECRET);
    await add.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
    await expect(dialog).not.toContainText(SECRET);
    await dialog.getByLabel(/^Reason/).fill(REASON);
    await dialog.getByRole('button', { name: /^Confirm$/ }).click();
    await expect(dialog).toBeHidden();

    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    await expect(item).toContainText('set (not shown)');
    await item.getByRole('button', { name: `Send a test to ${name}` }).click();
    await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
    await dialog.getByLabel(/^Reason/).fill(REASON);
    await dialog.getByRole('button', { name: /^Confirm$/ }).click();
    await expect(dialog).toBeHidden();

    await expect.poll(() => received.length).toBeGreaterThanOrEqual(1);
    const got = received.find((r) => JSON.parse(r.body).title === `Test from Kontor to ${name}`)!;
    expect(got).toBeTruthy();
    expect(verifySignature(SECRET, got.body, String(got.headers[SIGNATURE_HEADER.toLowerCase()]))).toBe(true);

    const log = page.getByRole('region', { name: 'Recent deliveries' });
    const row = log.getByRole('row').filter({ hasText: `Test from Kontor to ${name}` });
    await expect(row).toContainText('delivered');
    await expect(row).toContainText('1 of 8');
    await expect(row).toContainText('HTTP 204');

    // Neither the rendered page nor its server response (HTML with the RSC payload) holds the secret.
    expect(await page.content()).not.toContain(SECRET);
    const html = await (await page.request.get('/alerts/webhooks')).text();
    expect(html).toContain(name);
    expect(html).not.toContain(SECRET);
    const rsc = await (await page.request.get('/alerts/webhooks', { headers: { RSC: '1' } })).text();
    expect(rsc).toContain(name);
    expect(rsc).not.toContain(SECRET);
  });
});

for (const role of rolesWithout('alerts.read')) {
  test(`webhooks refuse ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    const response = await page.goto('/alerts/webhooks');
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
    await context.close();
  });
}
