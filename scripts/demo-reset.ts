/**
 * `npm run demo:reset [-- --scale N]`: rebuild the embedded demo database from scratch. `--scale`
 * multiplies the default sizes (2,000 users, 200,000 ledger rows, 50,000 tasks); 500 gives the
 * benchmark size of about a million users.
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
const db = await ensureDatabase({ log, reset: true, scale });
await db.cluster?.stop();
log('Demo database rebuilt.');
