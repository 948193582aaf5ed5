/**
 * Every route carries only what it renders (issue 22): no client chunk of the production build under
 * test holds zod, Kysely or catalog SQL. The same patterns must find them in the server's chunks, so a
 * change of minifier that hides them fails here rather than passing silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { routeBundles, SERVER_CODE, serverCodeInClientChunks } from '@/scripts/client-bundles';

const NEXT = path.resolve('.next');

test('no client chunk of the build holds zod, Kysely or catalog SQL', () => {
  expect(serverCodeInClientChunks(NEXT)).toEqual({});
  const routes = routeBundles(NEXT);
  expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(['/login', '/database/access', '/finance/statement']));
  for (const r of routes) expect(r.server, r.route).toEqual({});
});

test('the patterns find that code where it belongs: in the server build', () => {
  const serverChunks = fs.readdirSync(path.join(NEXT, 'server'), { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
  const text = serverChunks.map((f) => fs.readFileSync(path.join(NEXT, 'server', f), 'utf8')).join('\n');
  for (const [lib, re] of Object.entries(SERVER_CODE)) expect(re.test(text), lib).toBe(true);
});
