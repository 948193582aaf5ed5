import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { expectRefused, rolesWith, rolesWithout, storageStateOf } from './roles';

const manifestPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '../db/demo/manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { kind: string; ids?: string[] }[];
const idsOf = (kind: string) => manifest.find((d) => d.kind === kind)!.ids!;

// The edits at the end change the shared e2e database: this file runs in order.
test.describe.configure({ mode: 'serial' });

test('as an admin, each money finding links to the account page where the correction is made', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf('admin') });
  const page = await context.newPage();
  await page.goto('/tasks/queue');
  const money = page.getByRole('region', { name: 'Money on the queue' });
  const fixes = money.getByRole('link', { name: /Fix in finance/ });
  await expect(fixes).toHaveCount(4);
  await expect(fixes.first()).toHaveAttribute('href', /^\/finance\/accounts\/[0-9a-f-]{36}$/);
  await fixes.first().click();
  await expect(page.getByRole('button', { name: 'Adjust credits' })).toBeVisible();
  await context.close();
});

test.describe('the queue, as an engineer', () => {
  test.use({ storageState: storageStateOf('engineer') });

  test('stuck and orphaned tasks, the silent worker and money on the queue, each under its kind', async ({ page }) => {
    await page.goto('/tasks/queue');
    await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
    const health = page.getByRole('region', { name: 'Queue health' });
    await expect(health.getByRole('row', { name: /video_travel_segment/ })).toBeVisible();

    const stuck = page.getByRole('region', { name: 'Stuck and orphaned' });
    await expect(stuck.getByRole('row').filter({ hasText: 'On a dead worker' })).toHaveCount(2);
    await expect(stuck.getByRole('row').filter({ hasText: 'Queued far too long' })).toHaveCount(3);
    await expect(stuck.getByRole('row').filter({ hasText: 'gpu-us-east-24' })).toHaveCount(2);
    for (const id of [...idsOf('task_on_dead_worker'), ...idsOf('task_queued_for_hours')]) {
      await expect(stuck.getByRole('link', { name: id.slice(0, 8), exact: true })).toBeVisible();
    }
    await expect(stuck).toContainText('gpu-eu-west-23');

    const money = page.getByRole('region', { name: 'Money on the queue' });
    await expect(money.getByRole('row').filter({ hasText: 'Failed, but charged' })).toHaveCount(2);
    await expect(money.getByRole('row').filter({ hasText: 'Completed, never charged' })).toHaveCount(2);
    // An engineer may not adjust credits: no link to a correction they cannot make.
    await expect(money.getByRole('link', { name: /Fix in finance/ })).toHaveCount(0);
    await expect(money.getByRole('link', { name: 'Audit log' }).first()).toHaveAttribute('href', /\/audit\?target=task%3A/);
  });

  test('workers: the silent one stands out', async ({ page }) => {
    await page.goto('/workers');
    const row = page.getByRole('row', { name: /gpu-eu-west-23/ });
    await expect(row).toContainText('silent');
    await expect(row.getByRole('button', { name: 'Mark worker gpu-eu-west-23 offline' })).toBeVisible();
    await expect(page.getByRole('row', { name: /gpu-us-east-24/ })).not.toContainText('silent');
  });

  test('task list: search by id, by a params value, and a hint for free text', async ({ page }) => {
    const [queued] = idsOf('task_queued_for_hours');
    await page.goto(`/tasks?q=${queued}`);
    await expect(page.getByRole('link', { name: queued.slice(0, 8), exact: true })).toBeVisible();
    await page.goto('/tasks?status=queued&q=resolution%3D1080p');
    await expect(page.getByRole('row').filter({ hasText: 'Queued' }).first()).toBeVisible();
    await page.goto('/tasks?q=lighthouse');
    await expect(page.getByText('Search by a task id, or by a value inside params')).toBeVisible();
    await page.goto('/tasks?status=nonsense&sort=pg_sleep(1)');
    await expect(page.getByText(/Ignored filter.*status/)).toBeVisible();
  });

  test('requeue an orphaned task from its page: previewed, given a reason, applied and audited', async ({ page }) => {
    const [orphan] = idsOf('task_on_dead_worker');
    await page.goto(`/tasks/${orphan}`);
    await expect(page.getByText('In Progress', { exact: false }).first()).toBeVisible();
    await page.getByRole('button', { name: `Requeue task ${orphan}` }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('region', { name: 'Preview' })).toContainText('Queued');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog.getByText(/at least 3 words/)).toBeVisible();
    await dialog.getByLabel(/Reason/).fill('Worker gpu-us-east-24 was terminated holding this task');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(/image_generation · Queued/)).toBeVisible();
    await expect(page.getByRole('button', { name: `Requeue task ${orphan}` })).toHaveCount(0);
  });
});

test('support reads the queue and gets no edit controls', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStateOf('support') });
  const page = await context.newPage();
  await page.goto('/tasks/queue');
  await expect(page.getByRole('region', { name: 'Stuck and orphaned' }).getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Requeue|Cancel) task/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Mark worker/ })).toHaveCount(0);
  await context.close();
});

for (const role of rolesWithout('tasks.read')) {
  test(`the operations pages refuse ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    await expectRefused(page, ['/tasks/queue', '/tasks', '/workers']);
    await context.close();
  });
}

test('/metrics: 401 without the bearer token, never the sign-in page', async ({ request }) => {
  const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token-0123456789' }, { Authorization: 'Basic abc' }];
  for (const headers of attempts) {
    const r = await request.get('/metrics', { headers, maxRedirects: 0 });
    expect(r.status()).toBe(401);
    expect(r.headers()['www-authenticate']).toContain('Bearer');
    expect(await r.text()).not.toContain('kontor_');
  }
});

async function ready(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Skeletons gone (each says what it loads; the console's edit-status region stays, empty).
  await expect(page.getByRole('status').filter({ hasText: /\S/ })).toHaveCount(0);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`operations pages have no WCAG 2 A/AA violations (${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme, storageState: storageStateOf(rolesWith('tasks.requeue')[0]) });
    const page = await context.newPage();
    for (const path of ['/tasks/queue', '/tasks', '/workers', `/tasks/${idsOf('failed_task_charged')[0]}`]) {
      await ready(page, path);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${path} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
    await context.close();
  });
}
