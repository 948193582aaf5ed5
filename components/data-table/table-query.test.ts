import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTableQuery, type TableSpec } from '@/lib/table-query';
import { tableHref } from '@/components/data-table/href';

const SPEC: TableSpec<'created' | 'email'> = {
  sortable: ['created', 'email'],
  defaultSort: { id: 'created', desc: true },
  pageSizes: [25, 50],
};

describe('parseTableQuery', () => {
  test('defaults', () => {
    assert.deepEqual(parseTableQuery({}, SPEC), {
      page: 1, pageSize: 25, sort: { id: 'created', desc: true }, q: '', offset: 0,
    });
  });

  test('reads a valid state', () => {
    const q = parseTableQuery({ sort: 'email', dir: 'asc', page: '3', size: '50', q: '  ada ' }, SPEC);
    assert.deepEqual(q, { page: 3, pageSize: 50, sort: { id: 'email', desc: false }, q: 'ada', offset: 100 });
  });

  test('anything off the whitelist falls back, never passes through', () => {
    const q = parseTableQuery({ sort: 'email; drop table users', dir: 'up', page: '-4', size: '9999' }, SPEC);
    assert.deepEqual(q, { page: 1, pageSize: 25, sort: { id: 'created', desc: true }, q: '', offset: 0 });
  });

  test('prefixed parameters belong to one list only', () => {
    const q = parseTableQuery({ sort: 'email', t_sort: 'created', t_dir: 'asc' }, { ...SPEC, prefix: 't_' });
    assert.deepEqual(q.sort, { id: 'created', desc: false });
  });
});

describe('tableHref', () => {
  test('a new sort starts at page 1 and keeps other parameters', () => {
    const href = tableHref('/users', new URLSearchParams('page=4&other=x'), { sort: 'email', desc: false });
    assert.equal(href, '/users?other=x&sort=email&dir=asc');
  });

  test('paging keeps the sort', () => {
    assert.equal(tableHref('/u', new URLSearchParams('sort=email'), { page: 2 }), '/u?sort=email&page=2');
    assert.equal(tableHref('/u', new URLSearchParams('page=2'), { page: 1 }), '/u');
  });

  test('a new sort also drops a keyset position (the row browser\'s after/before)', () => {
    assert.equal(tableHref('/r', new URLSearchParams('after=abc&col=x'), { sort: 'id', desc: true }), '/r?col=x&sort=id&dir=desc');
    assert.equal(tableHref('/r', new URLSearchParams('before=abc'), { sort: 'id', desc: false }), '/r?sort=id&dir=asc');
  });
});
