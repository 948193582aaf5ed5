/**
 * The layout's gate asks for the same capability as each page's own pageContext, so that the 403 it
 * answers before streaming is the page's own verdict.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pageCapability } from '@/app/(console)/_lib/page-gate';

function pages(dir: string, found: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pages(p, found);
    else if (e.name === 'page.tsx') found.push(p);
  }
  return found;
}

test('every console page\'s pageContext capability is the one the gate asks for its path', () => {
  const root = 'app/(console)';
  const all = pages(root);
  assert.ok(all.length > 20);
  for (const file of all) {
    const asked = /(?:pageContext|catalogContext)\('([a-z.]+)'\)/.exec(fs.readFileSync(file, 'utf8'))?.[1];
    assert.ok(asked, `${file} calls pageContext`);
    const route = `/${path.relative(root, path.dirname(file))}`.replace(/\[[^\]]+\]/g, 'x').replace(/\/$/, '') || '/';
    assert.equal(pageCapability(route === '/.' ? '/' : route), asked, file);
  }
});
