import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { consoleRoutes, openConsolePage } from './console-pages';
import { storageStateOf } from './roles';

async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// The pages outside the console, and the console's own not-found page, signed in (as admin, who sees the most) or not.
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
        expect(await violations(page)).toEqual([]);
        await context.close();
      });
    }
  });
}

// Every console page (a real id for each detail page) in both colour schemes, one test each so they
// spread over the workers.
for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`every console page in ${colorScheme}`, () => {
    test.use({ colorScheme, storageState: storageStateOf('admin') });
    for (const route of consoleRoutes()) {
      test(`${route} has no WCAG 2 A/AA violations`, async ({ page }) => {
        test.setTimeout(90_000);
        await openConsolePage(page, route);
        expect(await violations(page)).toEqual([]);
      });
    }
  });
}
