/** The one formatter module: every page writes a moment, a duration and a count the same way. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnScale, first, formatCount, formatUsd, formatWhenIn, formatDay, formatMs, shortId, formatRate, formatSeconds, formatWhen } from '@/lib/format';

test('a moment reads to the minute in UTC, from an ISO string, Postgres text or a Date', () => {
  assert.equal(formatWhen('2026-11-20T12:00:59.999Z'), '2026-11-20 12:00 UTC');
  assert.equal(formatWhen('2026-11-20 13:30:05+01'), '2026-11-20 12:30 UTC');
  assert.equal(formatWhen(new Date('2026-11-20T23:59:00Z')), '2026-11-20 23:59 UTC');
  assert.equal(formatWhen(null), '—');
  assert.equal(formatWhen(undefined, 'never'), 'never');
  assert.equal(formatWhen('not a date'), 'not a date');
  assert.equal(formatDay('2026-11-20T23:59:00Z'), 'Nov 20');
});

test('durations: seconds, then minutes and seconds, hours and minutes, days and hours', () => {
  assert.equal(formatSeconds(null), '–');
  assert.equal(formatSeconds(Number.NaN), '–');
  assert.equal(formatSeconds(4.25), '4.3 s');
  assert.equal(formatSeconds(42.5), '43 s');
  assert.equal(formatSeconds(725), '12 min 5 s');
  assert.equal(formatSeconds(3725), '1 h 2 min');
  assert.equal(formatSeconds(183_600), '2 d 3 h');
  assert.equal(formatMs(0.0123), '0.012 ms');
  assert.equal(formatMs(12.34), '12.3 ms');
  assert.equal(formatMs(90_000), '1 min 30 s');
});

test('counts and rates', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatRate(0.042), '4.2 %');
  assert.equal(formatRate(0.5), '50 %');
  assert.equal(formatRate(null), '–');
});

test('a repeated search parameter counts by its first value', () => {
  assert.equal(first(['a', 'b']), 'a');
  assert.equal(first('a'), 'a');
  assert.equal(first(undefined), undefined);
});

test('a bigint count is written exactly, never through a float', () => {
  assert.equal(formatCount('9223372036854775807'), '9,223,372,036,854,775,807');
  assert.equal(formatCount(9223372036854775807n), '9,223,372,036,854,775,807');
  assert.equal(formatCount('-2147483648'), '-2,147,483,648');
  assert.equal(formatCount('n/a'), 'n/a');
});

test('one precision per money column: every row at the most decimals any needs, none rounded away', () => {
  const column = ['256.228', '8.1857', '3', null];
  const scale = columnScale(column, 2);
  assert.equal(scale, 4);
  assert.deepEqual(column.map((v) => formatUsd(v, scale)), ['$256.2280', '$8.1857', '$3.0000', '–']);
  assert.equal(columnScale(['1.50', '2.000000'], 2), 2);
  assert.equal(formatUsd('1.5', columnScale(['1.5'], 2)), '$1.50');
});

test('a moment in the viewer\'s zone, named; UTC as formatWhen writes it; an unknown zone falls back to UTC', () => {
  assert.equal(formatWhenIn('2026-11-20T12:00:00Z', 'Asia/Tokyo'), '2026-11-20 21:00 GMT+9');
  assert.equal(formatWhenIn('2026-11-20T23:30:00Z', 'America/New_York'), '2026-11-20 18:30 EST');
  assert.equal(formatWhenIn('2026-11-20T12:00:00Z', 'UTC'), '2026-11-20 12:00 UTC');
  assert.equal(formatWhenIn('2026-11-20T12:00:00Z', 'Not/AZone'), '2026-11-20 12:00 UTC');
  assert.equal(formatWhenIn(null, 'Asia/Tokyo', 'never'), 'never');
});

test('a short id is 8 characters after a type prefix every id of its kind shares, and still a prefix of the id', () => {
  const uuid = '0f76ba97-3bd9-4ac3-881c-32a487af5784';
  assert.equal(shortId(uuid), '0f76ba97');
  assert.equal(shortId('cs_live_a1B2c3D4e5F6g7H8'), 'cs_live_a1B2c3D4');
  assert.equal(shortId('pi_3Nf9x2LkdjfQ'), 'pi_3Nf9x2Lk');
  assert.equal(shortId('12345'), '12345');
  assert.equal(shortId(null), '');
  // Two checkout sessions read apart (8 characters alone gave both "cs_live_").
  assert.notEqual(shortId('cs_live_aaaa1111'), shortId('cs_live_bbbb2222'));
  for (const id of [uuid, 'cs_live_a1B2c3D4e5F6g7H8', 'pi_3Nf9x2LkdjfQ']) assert.ok(id.startsWith(shortId(id)));
});
