/**
 * An alert's lifecycle on /alerts, as admin: the sequence near its maximum opens an incident; raising the
 * rule's threshold through its guarded change dialog clears the condition, and the next check resolves
 * it. The checks run as the schedule will run them, through `kontor alerts check` on the suite's database
 * (the schedule itself is another branch). Every other role is refused the page (403).
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { expect, test, type Page } from '@playwright/test';
import { rolesWithout, storageStateOf } from './roles';
import { e2eClusterUrl } from './support/second-server';

const RULE = 'Sequence near its maximum';
const SEQ = 'payments_order_number_seq';

// The rule's threshold is shared state on the suite's database: the lifecycle runs in order.
test.describe.configure({ mode: 'serial' });

async function sqlOnDemo(text: string) {
  const client = new pg.Client(e2eClusterUrl('kontor_demo'));
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function checkAlerts() {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', 'alerts', 'check', '--json'], {
    env: { ...process.env, DATABASE_URL: e2eClusterUrl('kontor_demo'), KONTOR_PRESET: 'demo' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { rules: { rule: string; opened: number; resolved: number; error?: string }[] };
}

const resetRule = () => sqlOnDemo(`update kontor.alert_rules set enabled = true, threshold = 75, evaluated_at = null where rule = 'sequence_near_max'`);

async function confirmWithReason(page: Page, reason: string) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
  await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}

test.describe('alerts as admin', () => {
  test.use({ storageState: storageStateOf('admin') });
  test.afterAll(resetRule);

  test('open, fixed through the rule dialog, resolved', async ({ page }) => {
    test.setTimeout(180_000);
    await resetRule();
    const first = checkAlerts();
    expect(first.rules.find((r) => r.rule === 'sequence_near_max')?.error).toBeUndefined();

    await page.goto('/alerts');
    await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Alerts', exact: true })).toBeVisible();
    const open = page.getByRole('table', { name: 'Open alerts' });
    const incident = open.getByRole('row').filter({ hasText: SEQ });
    await expect(incident).toHaveCount(1);
    await expect(incident).toContainText('error');
    await expect(incident.getByRole('link', { name: 'Look into it' })).toHaveAttribute('href', '/database/advisors');

    // The fix: the sequence stands at 96 % of its range; above 97 % it is not reported.
    const rules = page.getByRole('table', { name: 'Alert rules' });
    const row = rules.getByRole('row').filter({ hasText: RULE });
    await expect(row).toContainText('75 percent');
    await row.getByLabel(/Range used above/).fill('97');
    await row.getByRole('button', { name: `Change rule ${RULE}` }).click();
    const dialog = page.getByRole('dialog', { name: `Change the rule "${RULE}"` });
    await expect(dialog.getByRole('region', { name: 'Preview' }).getByRole('row', { name: /threshold\s+75\s+97/i })).toBeVisible();
    await confirmWithReason(page, 'The order sequence is widened this sprint, e2e check');
    await page.reload();
    await expect(page.getByRole('table', { name: 'Alert rules' }).getByRole('row').filter({ hasText: RULE })).toContainText('97 percent');

    const second = checkAlerts();
    expect(second.rules.find((r) => r.rule === 'sequence_near_max')?.resolved).toBe(1);
    await page.reload();
    await expect(page.getByRole('table', { name: 'Open alerts' }).getByRole('row').filter({ hasText: SEQ })).toHaveCount(0);
    const resolved = page.getByRole('table', { name: 'Resolved alerts' }).getByRole('row').filter({ hasText: SEQ }).first();
    await expect(resolved).toContainText('condition cleared');

    await page.goto('/audit?action=alerts.updateRule');
    await expect(page.getByRole('row').filter({ hasText: 'The order sequence is widened this sprint' })).toHaveCount(1);
  });
});

for (const role of rolesWithout('alerts.read')) {
  test.describe(`alerts as ${role}`, () => {
    test.use({ storageState: storageStateOf(role) });
    test('refused with 403, and not in the sidebar', async ({ page }) => {
      const response = await page.goto('/alerts');
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: 'Your role may not open this page' })).toBeVisible();
      await expect(page.getByRole('table')).toHaveCount(0);
      await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Alerts', exact: true })).toHaveCount(0);
    });
  });
}
