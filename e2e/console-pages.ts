/**
 * Every page under app/(console), read from the file tree so a new page is covered (or fails the check
 * in widths.spec.ts until DETAIL says how to find a real id for it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { DEMO_CUSTOMER } from './roles';

const CONSOLE = path.resolve('app/(console)');

/** The route of each page.tsx under app/(console), e.g. "/users/[id]". */
export function consoleRoutes(dir = CONSOLE): string[] {
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
export const DETAIL: Record<string, (page: Page) => Promise<string>> = {
  '/users/[id]': (p) => firstDetail(p, `/users?q=${DEMO_CUSTOMER.email}`, /^\/users\/[^/]+$/),
  '/payments/[id]': (p) => firstDetail(p, '/payments', /^\/payments\/[^/]+$/),
  '/tasks/[id]': (p) => firstDetail(p, '/tasks', /^\/tasks\/[0-9a-f-]{8,}$/i),
  '/finance/accounts/[id]': async (p) => (await firstDetail(p, `/users?q=${DEMO_CUSTOMER.email}`, /^\/users\/[^/]+$/)).replace('/users/', '/finance/accounts/'),
  '/database/tables/[schema]/[table]': (p) => firstDetail(p, '/database/tables', /^\/database\/tables\/[^/]+\/[^/]+$/),
  // The row browser (on main since issue 19's other branches): the same table, one level down.
  '/database/tables/[schema]/[table]/rows': async (p) => `${await firstDetail(p, '/database/tables', /^\/database\/tables\/[^/]+\/[^/]+$/)}/rows`,
};

/** Opens a route (a real id in place of each dynamic segment) and waits for its heading; returns the URL. */
export async function openConsolePage(page: Page, route: string): Promise<string> {
  const url = DETAIL[route] ? await DETAIL[route](page) : route;
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1 }).first(), url).toBeVisible();
  return url;
}
