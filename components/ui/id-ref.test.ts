/** A reference to another row: its name (else the 8 characters search takes), the full id on hover, a button that copies it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { IdRef } from '@/components/ui/id-ref';

const ID = '9e5266ea-1b2c-4d5e-8f90-123456789abc';

test('a name where there is one, else the start of the id; the full id on hover and on the copy button', () => {
  const named = renderToStaticMarkup(createElement(IdRef, { id: ID, href: `/users/${ID}`, name: 'ada@example.com', noun: 'user' }));
  const link = /<a ([^>]*)>([^<]*)<\/a>/.exec(named)!;
  assert.equal(link[2], 'ada@example.com');
  assert.match(link[1], new RegExp(`title="${ID}"`));
  assert.match(link[1], new RegExp(`href="/users/${ID}"`));
  assert.match(named, new RegExp(`<button [^>]*aria-label="Copy the user id ${ID}"`));
  const bare = renderToStaticMarkup(createElement(IdRef, { id: ID, href: `/payments/${ID}`, noun: 'payment', label: `Payment ${ID}` }));
  const bareLink = /<a ([^>]*)>([^<]*)<\/a>/.exec(bare)!;
  assert.equal(bareLink[2], '9e5266ea');
  assert.match(bareLink[1], new RegExp(`aria-label="Payment ${ID}"`));
});
