import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { storageStateOf } from './roles';

// Every page Kontor has, signed in (as admin, who sees the most) or not.
const PAGES = [
  { path: '/login', signedIn: false, ready: (p: Page) => p.getByRole('button', { name: /sign in/i }) },
  { path: '/', signedIn: true, ready: (p: Page) => p.getByRole('region', { name: 'Largest tables' }).getByRole('table') },
  { path: '/no-such-page', signedIn: true, ready: (p: Page) => p.getByRole('heading', { level: 1 }) },
];

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`accessibility in ${colorScheme}`, () => {
    test.use({ colorScheme });
    for (const { path, signedIn, ready } of PAGES) {
      test(`${path} has no WCAG 2 A/AA violations`, async ({ browser }) => {
        const context = await browser.newContext({
          colorScheme,
          storageState: signedIn ? storageStateOf('admin') : undefined,
        });
        const page = await context.newPage();
        await page.goto(path);
        await expect(ready(page)).toBeVisible();
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
        const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(summary).toEqual([]);
        await context.close();
      });
    }
  });
}
