import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginPath, safeNextPath } from '@/lib/auth/redirect';

test('same-site paths pass through with their query and hash', () => {
  assert.equal(safeNextPath('/'), '/');
  assert.equal(safeNextPath('/payments?status=failed&page=2'), '/payments?status=failed&page=2');
  assert.equal(safeNextPath('/users/42#notes'), '/users/42#notes');
});

test('anything that could leave the site falls back', () => {
  for (const next of [
    'https://evil.example', '//evil.example', '/\\evil.example', '\\\\evil.example', 'http:/evil.example',
    'javascript:alert(1)', '/\t/evil.example', '/\n/evil.example', ' //evil.example', 'evil.example',
    '', undefined, null, 42, ['/'], `/${'a'.repeat(3000)}`,
  ]) {
    assert.equal(safeNextPath(next), '/', JSON.stringify(next));
  }
});

test('paths are normalised, so dot segments cannot climb out', () => {
  assert.equal(safeNextPath('/a/../../b'), '/b');
  assert.equal(safeNextPath('/%2F%2Fevil.example'), '/%2F%2Fevil.example');
});

test('never back to the login page itself', () => {
  assert.equal(safeNextPath('/login?next=/x'), '/');
  assert.equal(loginPath('/login'), '/login');
});

test('loginPath carries a safe next only', () => {
  assert.equal(loginPath('/credits?user=7'), '/login?next=%2Fcredits%3Fuser%3D7');
  assert.equal(loginPath('//evil.example'), '/login');
  assert.equal(loginPath('/'), '/login');
  assert.equal(loginPath(null), '/login');
});
