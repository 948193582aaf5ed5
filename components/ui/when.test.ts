/** The server writes a moment in UTC (it cannot know the viewer's zone), so that hydration agrees; the browser then writes its own zone (e2e/names-numbers.spec.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { When } from '@/components/ui/when';

test('on the server: UTC, with the exact instant machine-readable and on hover', () => {
  const html = renderToString(createElement(When, { at: '2026-11-20T12:00:00Z' }));
  assert.match(html, /<time dateTime="2026-11-20T12:00:00.000Z" title="2026-11-20 12:00 UTC \(2026-11-20T12:00:00.000Z\)">2026-11-20 12:00 UTC<\/time>/);
  assert.equal(renderToString(createElement(When, { at: null, none: 'never' })), 'never');
});
