/** The books' "today": the demo's anchor only for the demo read through its own mapping. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createDb } from '@/db/connect';
import type { KontorDatabase } from '@/db/types';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { booksToday, databaseClock } from '@/lib/domain/clock';
import { getPreset } from '@/lib/mapping/presets';

const ANCHOR = new Date('2026-11-20T12:00:00.000Z');
let tdb: TestDatabase;
let db: Kysely<KontorDatabase>;
before(async () => {
  tdb = await emptyDatabase();
  db = createDb(tdb.url);
});
after(async () => {
  await db?.destroy();
  await tdb?.drop();
});

const comment = (text: string | null) => sql`comment on database ${sql.id(tdb.name)} is ${text === null ? sql`null` : sql.lit(text)}`.execute(db);
const nearNow = (d: Date) => Math.abs(d.getTime() - Date.now()) < 60_000;

test('a database without the demo comment: now(), for the queue and the books alike', async () => {
  await comment(null);
  const clock = await databaseClock(db);
  assert.equal(clock.anchor, null);
  assert.ok(nearNow(clock.now));
  assert.ok(nearNow(await booksToday(db, getPreset('demo'))));
  await comment(`kontor fixture reigh 3 built ${ANCHOR.toISOString()}`);
  assert.equal((await databaseClock(db)).anchor, null, "a fixture's comment is not the demo's");
});

test("the demo's comment: its anchor for the demo's mapping, now() for a product's", async () => {
  await comment(`kontor demo 1 built ${ANCHOR.toISOString()}`);
  assert.equal((await databaseClock(db)).anchor?.toISOString(), ANCHOR.toISOString());
  assert.equal((await booksToday(db, getPreset('demo'))).toISOString(), ANCHOR.toISOString());
  assert.ok(nearNow(await booksToday(db, getPreset('reigh'))), 'a product read through its own mapping keeps its clock');
  await comment(`kontor demo 1 bench built ${ANCHOR.toISOString()}`);
  assert.equal((await booksToday(db, getPreset('demo'))).toISOString(), ANCHOR.toISOString(), 'the benchmark-size demo too');
  await comment(null);
});
