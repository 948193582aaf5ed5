/**
 * Every console page at phone, tablet and desktop width, as admin (who sees the most): the page is never
 * wider than the viewport (wide tables scroll inside their own container), and every button in main can
 * be scrolled into view without an overflow-hidden ancestor clipping it. The pages come from the file
 * tree, so a new page is covered (or fails here until it says how to find a real id).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_CUSTOMER, storageStateOf } from './roles';

const WIDTHS = [390, 768, 1440] as const;
const CONSOLE = path.resolve('app/(console)');

/** The route of each page.tsx under app/(console), e.g. "/users/[id]". */
function consoleRoutes(dir = CONSOLE): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('_')) out.push(...consoleRoutes(full));
    else if (entry.name === 'page.tsx') out.push(`/${path.relative(CONSOLE, dir).split(path.sep).filter((s) => !s.startsWith('(')).join('/')}`);
  }
  return out.sort();
}

/** The href of the first link on `list` that opens a detail page matching `pattern`. */
async function firstDetail(page: Page, list: string, pattern: RegExp): Promise<string> {
  await page.goto(list);
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const href = hrefs.find((h) => pattern.test(h.split('?')[0]));
  if (!href) throw new Error(`no link matching ${pattern} on ${list}`);
  return href;
}

// A real id for each dynamic page, found through the console itself (so any database works).
const DETAIL: Record<string, (page: Page) => Promise<string>> = {
  '/users/[id]': (p) => firstDetail(p, `/users?q=${DEMO_CUSTOMER.email}`, /^\/users\/[^/]+$/),
  '/payments/[id]': (p) => firstDetail(p, '/payments', /^\/payments\/[^/]+$/),
  '/tasks/[id]': (p) => firstDetail(p, '/tasks', /^\/tasks\/[0-9a-f-]{8,}$/i),
  '/finance/accounts/[id]': async (p) => (await firstDetail(p, `/users?q=${DEMO_CUSTOMER.email}`, /^\/users\/[^/]+$/)).replace('/users/', '/finance/accounts/'),
  '/database/tables/[schema]/[table]': (p) => firstDetail(p, '/database/tables', /^\/database\/tables\/[^/]+\/[^/]+$/),
};

interface Unreachable { button: string; why: string }

/** Scrolls each visible button in main into view and reports those still outside the viewport or clipped. */
function unreachableButtons(page: Page): Promise<Unreachable[]> {
  return page.locator('main').evaluate((main) => {
    const out: Unreachable[] = [];
    const name = (b: Element) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim().slice(0, 60);
    for (const b of main.querySelectorAll('button')) {
      const style = getComputedStyle(b);
      if (!b.getClientRects().length || style.visibility === 'hidden' || b.closest('.sr-only')) continue;
      b.scrollIntoView({ block: 'center', inline: 'center' });
      const r = b.getBoundingClientRect();
      if (r.left < -1 || r.right > window.innerWidth + 1) {
        out.push({ button: name(b), why: `outside the viewport (${Math.round(r.left)}-${Math.round(r.right)})` });
        continue;
      }
      for (let a = b.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        const c = a.getBoundingClientRect();
        const left = c.left + a.clientLeft;
        const right = left + a.clientWidth;
        if (r.left < left - 1 || r.right > right + 1) {
          out.push({ button: name(b), why: `clipped by ${a.tagName.toLowerCase()}.${a.className} (${Math.round(r.left)}-${Math.round(r.right)} in ${Math.round(left)}-${Math.round(right)})` });
          break;
        }
      }
    }
    return out;
  });
}

test('the console has the pages this spec knows how to open', () => {
  const dynamic = consoleRoutes().filter((r) => r.includes('['));
  expect(dynamic.sort()).toEqual(Object.keys(DETAIL).sort());
});

for (const width of WIDTHS) {
  test(`every console page fits ${width} px and every button in main is reachable`, async ({ browser }) => {
    test.setTimeout(240_000);
    const context = await browser.newContext({ storageState: storageStateOf('admin'), viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    for (const route of consoleRoutes()) {
      const url = DETAIL[route] ? await DETAIL[route](page) : route;
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 }).first(), url).toBeVisible();
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > width) problems.push(`${url}: the page is ${scrollWidth} px wide`);
      for (const u of await unreachableButtons(page)) problems.push(`${url}: "${u.button}" ${u.why}`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
}
