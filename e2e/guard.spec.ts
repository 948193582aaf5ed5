import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { rolesWithout, storageStateOf } from './roles';

// A product customer (not one of the five demo staff accounts other specs sign in as, nor ada).
const NEWCOMER = 'aisha.bello1309@example.net';

async function confirmWithReason(page: Page, reason: string) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
  await dialog.getByLabel(/Reason/).fill(reason);
  const confirm = dialog.getByRole('button', { name: 'Confirm' });
  await confirm.click();
  await expect(dialog).toBeHidden();
}

test.describe('guarded edit as admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('change a staff role: preview, reason, commit, then find it in the audit log', async ({ page }) => {
    const run = Date.now().toString(36);
    await page.goto('/staff');
    await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
    const members = page.getByRole('table', { name: 'Staff members' });

    // Add the newcomer when an earlier run has not already (the e2e database is fresh per `npm test`).
    if ((await members.getByRole('row').filter({ hasText: NEWCOMER }).count()) === 0) {
      await page.getByLabel('Email of an auth user').fill(NEWCOMER);
      await page.getByLabel('Role', { exact: true }).selectOption('viewer');
      await page.getByRole('button', { name: 'Add staff member' }).click();
      await confirmWithReason(page, `Onboarding for the e2e run ${run}, as requested by ops`);
      await expect(members.getByRole('row').filter({ hasText: NEWCOMER })).toBeVisible();
    }

    const roleSelect = page.getByLabel(`Role for ${NEWCOMER}`);
    const from = await roleSelect.inputValue();
    const to = from === 'support' ? 'viewer' : 'support';
    await roleSelect.selectOption(to);
    await page.getByRole('button', { name: `Change role of ${NEWCOMER}` }).click();

    const dialog = page.getByRole('dialog', { name: `Change the role of ${NEWCOMER}` });
    const preview = dialog.getByRole('region', { name: 'Preview' });
    await expect(preview.getByRole('row', { name: new RegExp(`role\\s+${from}\\s+${to}`, 'i') })).toBeVisible();

    // Too short a reason is refused, naming the field; nothing is written.
    await dialog.getByLabel(/Reason/).fill('ok');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog.getByText(/Give a reason of at least 3 words/)).toBeVisible();

    const reason = `Moves to the ${to} rota this week, e2e run ${run}`;
    await confirmWithReason(page, reason);
    await expect(page.getByLabel(`Role for ${NEWCOMER}`)).toHaveValue(to);

    await page.goto('/audit?action=staff.changeRole');
    const entry = page.getByRole('row').filter({ hasText: reason });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText('admin@kontor.dev');
    await expect(entry.getByRole('row', { name: new RegExp(`role\\s+${from}\\s+${to}`, 'i') })).toBeVisible();
    // The staff member by their email (the id on hover), not as staff:<id>.
    await expect(entry).toContainText(NEWCOMER);
    await expect(entry).not.toContainText('staff:');

    // The target's History link shows that staff member's history only.
    const targetId = await entry.locator('[data-target-id]').getAttribute('data-target-id');
    await entry.getByRole('link', { name: 'History' }).click();
    await expect(page).toHaveURL(/\/audit\?target=staff%3A/);
    await expect(page.getByRole('row').filter({ hasText: reason })).toHaveCount(1);
    const targets = await page.getByRole('table', { name: /Audit log entries/ }).locator('[data-target-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-target-id')));
    expect(targets.length).toBeGreaterThanOrEqual(1);
    expect(new Set(targets)).toEqual(new Set([targetId]));
  });

  test('the last admin cannot be removed: the dialog says why and nothing changes', async ({ page }) => {
    await page.goto('/staff');
    await page.getByRole('button', { name: 'Remove admin@kontor.dev' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('alert')).toContainText('last admin');
    await expect(dialog.getByRole('button', { name: 'Confirm' })).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });
});

for (const role of rolesWithout('staff.manage')) {
  test(`the staff page refuses ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf(role) });
    const page = await context.newPage();
    await page.goto('/staff');
    await expect(page.getByRole('heading', { level: 1, name: /may not open this page/ })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Staff' })).toHaveCount(0);
    await context.close();
  });
}

const PAGES = [
  { path: '/staff', heading: 'Staff' },
  { path: '/audit', heading: 'Audit log' },
  { path: '/approvals', heading: 'Approvals' },
];

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`guard pages in ${colorScheme}`, () => {
    test.use({ colorScheme, storageState: storageStateOf('admin') });
    for (const { path, heading } of PAGES) {
      test(`${path} has no WCAG 2 A/AA violations`, async ({ page }) => {
        await page.goto(path);
        await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
        expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      });
    }
    test('the confirm dialog has no WCAG 2 A/AA violations', async ({ page }) => {
      await page.goto('/staff');
      await page.getByLabel('Role for viewer@kontor.dev').selectOption('support');
      await page.getByRole('button', { name: 'Change role of viewer@kontor.dev' }).click();
      await expect(page.getByRole('dialog').getByRole('region', { name: 'Preview' })).toBeVisible();
      const results = await new AxeBuilder({ page }).include('dialog').withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await page.keyboard.press('Escape'); // closes without committing: viewer@kontor.dev stays a viewer
      await expect(page.getByRole('dialog')).toBeHidden();
    });
  });
}
