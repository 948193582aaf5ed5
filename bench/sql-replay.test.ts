/** The statements the page bench replays in psql: parameters inlined as the server bound them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inline } from '@/bench/sql-replay';

test('a value is inlined as it is, never read as a replacement pattern or searched again', () => {
  // A regex ending in "$" before the closing quote: "$'" in a string replacement is "the text after".
  assert.equal(inline({ sql: 'select $1 ~ $2', parameters: ['x', '(_hash)?$'] }), "select 'x' ~ '(_hash)?$'");
  assert.equal(inline({ sql: 'select $1, $2', parameters: ['costs $2', 7] }), "select 'costs $2', 7");
  const ten = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.equal(inline({ sql: 'select $10, $1, $11', parameters: ten }), 'select 10, 1, $11');
  assert.equal(inline({ sql: 'select $1::text[]', parameters: [['a', 'b"c']] }), `select '{"a","b\\"c"}'::text[]`);
});
