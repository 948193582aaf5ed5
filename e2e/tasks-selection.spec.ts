/**
 * Row checkboxes on the task list (issue 19): two ticked tasks requeued in one guarded edit whose
 * preview lists each; a role that may change no task sees no checkboxes.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { storageStateOf } from './roles';

/** axe's WCAG 2 A/AA check of the page as it is, light then dark. */
async function expectAccessible(page: Page) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(results.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
}

test.describe('ticked tasks as engineer', () => {
  test.use({ storageState: storageStateOf('engineer') });

  test('tick two failed tasks, requeue both in one edit', async ({ page }) => {
    await page.goto('/tasks?status=failed&sort=created&dir=asc');
    const table = page.getByRole('table', { name: 'Tasks' });
    const boxes = table.getByRole('checkbox', { name: /^Select task / });
    await expect(boxes.first()).toBeVisible();
    const ids: string[] = [];
    for (const i of [0, 1]) {
      ids.push((await boxes.nth(i).getAttribute('aria-label'))!.replace('Select task ', ''));
      await boxes.nth(i).check();
    }
    const toolbar = page.getByRole('toolbar', { name: 'Ticked rows' });
    await expect(toolbar).toContainText('2 tasks ticked.');
    await expectAccessible(page);
    await toolbar.getByRole('button', { name: 'Requeue 2 ticked' }).click();
    const dialog = page.getByRole('dialog');
    const preview = dialog.getByRole('region', { name: 'Preview' });
    for (const id of ids) await expect(preview).toContainText(`Status ${id}`);
    await expect(preview).toContainText('Queued');
    await dialog.getByLabel(/Reason/).fill('Provider outage made these two fail; rerun them');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    // The failed list no longer holds them, and nothing is ticked any more.
    for (const id of ids) await expect(table.getByRole('checkbox', { name: `Select task ${id}` })).toHaveCount(0);
    await expect(toolbar).toHaveCount(0);
    await page.goto(`/tasks/${ids[0]}`);
    await expect(page.getByText('Queued').first()).toBeVisible();
  });
});

test.describe('ticked tasks as support', () => {
  test.use({ storageState: storageStateOf('support') });

  test('support reads tasks but may change none: no checkboxes', async ({ page }) => {
    await page.goto('/tasks?status=failed');
    await expect(page.getByRole('table', { name: 'Tasks' }).getByRole('row').nth(1)).toBeVisible();
    await expect(page.getByRole('checkbox')).toHaveCount(0);
  });
});
