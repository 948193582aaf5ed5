/**
 * Security headers: a per-request CSP (nonce, no framing, no plugins, no foreign forms) from proxy.ts on
 * pages and on the redirect to /login, and the static ones on every path from next.config.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NextRequest } from 'next/server';
import nextConfig, { STATIC_SECURITY_HEADERS } from '@/next.config';
import { proxy } from '@/proxy';

function cspOf(value: string | null) {
  assert.ok(value, 'a Content-Security-Policy');
  return Object.fromEntries(value.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

test('pages and the sign-in redirect carry a CSP with a fresh nonce, which Next also gets on the request', async () => {
  const signedOut = await proxy(new NextRequest('http://localhost:3000/finance'));
  assert.equal(signedOut.status, 307);
  const a = cspOf(signedOut.headers.get('content-security-policy'));
  assert.deepEqual(a['frame-ancestors'], ["'none'"]);
  assert.deepEqual(a['object-src'], ["'none'"]);
  assert.deepEqual(a['form-action'], ["'self'"]);
  assert.ok(a['script-src'].some((s: string) => /^'nonce-[A-Za-z0-9+/=]{20,}'$/.test(s)));
  assert.ok(!a['script-src'].includes("'unsafe-inline'"));

  const page = await proxy(new NextRequest('http://localhost:3000/login'));
  const b = page.headers.get('content-security-policy');
  assert.notEqual(b, signedOut.headers.get('content-security-policy'), 'a new nonce per request');
  assert.equal(page.headers.get('x-middleware-request-content-security-policy'), b, 'the request carries it for Next');
});

test('every path gets nosniff, a same-origin referrer policy and no framing', async () => {
  const rules = await nextConfig.headers!();
  const all = rules.find((r) => r.source === '/:path*');
  assert.ok(all);
  const byKey = Object.fromEntries(all.headers.map((h) => [h.key.toLowerCase(), h.value]));
  assert.equal(byKey['x-content-type-options'], 'nosniff');
  assert.equal(byKey['referrer-policy'], 'same-origin');
  assert.equal(byKey['x-frame-options'], 'DENY');
  assert.equal(all.headers, STATIC_SECURITY_HEADERS);
});
