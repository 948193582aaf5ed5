/**
 * `npm run demo:reset [-- --size bench] [--scale N]`: rebuild the embedded demo database from
 * scratch. `-- --fixture <product>` (reigh, story-app, seydam, aethercrown98, ai-social) rebuilds that
 * product's fixture database instead (db/fixtures), which `KONTOR_FIXTURE=<product> npm run dev` serves. `--size bench` builds the benchmark size (1M users, ~10M ledger rows, 2M tasks: minutes,
 * db/demo/README.md); `--scale` multiplies a size's counts (default size: 2,000 users, 200,000
 * ledger rows, 50,000 tasks).
 */
import { ensureDatabase } from '@/db/runtime';

const at = process.argv.indexOf('--scale');
const scale = at > 0 ? Number(process.argv[at + 1]) : 1;
if (!Number.isFinite(scale) || scale < 0.05 || scale > 1000) {
  console.error('demo:reset: --scale takes a number from 0.05 to 1000');
  process.exit(2);
}
if (process.env.DATABASE_URL) {
  console.error('demo:reset works on the embedded demo only; unset DATABASE_URL. Kontor never rebuilds your database.');
  process.exit(2);
}
const log = (line: string) => console.log(`[kontor] ${line}`);
const sizeAt = process.argv.indexOf('--size');
const size = sizeAt > 0 ? process.argv[sizeAt + 1] : 'default';
if (size !== 'default' && size !== 'bench') {
  console.error('demo:reset: --size takes default or bench');
  process.exit(2);
}
const fixtureAt = process.argv.indexOf('--fixture');
const fixture = fixtureAt > 0 ? process.argv[fixtureAt + 1] : undefined;
if (fixtureAt > 0 && !fixture) {
  console.error('demo:reset: --fixture takes a product: reigh, story-app, seydam, aethercrown98 or ai-social');
  process.exit(2);
}
const db = await ensureDatabase({ log, reset: true, scale, size, fixture });
if (fixture) {
  await db.cluster?.stop();
  log(`The ${fixture} fixture is rebuilt: KONTOR_FIXTURE=${fixture} npm run dev serves it (preset ${fixture}).`);
  process.exit(0);
}
await db.cluster?.stop();
log('Demo database rebuilt.');
