import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetSharedReads, sharedRead } from '@/lib/shared-read';

test('identical reads at the same moment run once; the next one after runs again', async () => {
  let runs = 0;
  const slow = () => new Promise<number>((r) => setTimeout(() => r(++runs), 50));
  const answers = await Promise.all(Array.from({ length: 20 }, () => sharedRead('k', slow)));
  assert.deepEqual(new Set(answers), new Set([1]));
  assert.equal(await sharedRead('k', slow), 2, 'nothing kept without a ttl');
  assert.equal(await sharedRead('other', slow), 3, 'another key runs on its own');
});

test('a failure is shared by those who joined, and not kept', async () => {
  let runs = 0;
  const failing = () => new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`boom ${++runs}`)), 20));
  const results = await Promise.allSettled([sharedRead('f', failing), sharedRead('f', failing)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  await assert.rejects(sharedRead('f', failing), /boom 2/);
});

test('with a ttl an answer is kept that long', async () => {
  let runs = 0;
  const read = async () => ++runs;
  assert.equal(await sharedRead('t', read, { ttlMs: 200 }), 1);
  assert.equal(await sharedRead('t', read, { ttlMs: 200 }), 1);
  forgetSharedReads('t');
  assert.equal(await sharedRead('t', read, { ttlMs: 200 }), 2);
});
