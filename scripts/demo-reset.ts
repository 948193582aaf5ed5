/** `npm run demo:reset`: rebuild the embedded demo database from scratch. */
import { ensureDatabase } from '@/db/runtime';

if (process.env.DATABASE_URL) {
  console.error('demo:reset works on the embedded demo only; unset DATABASE_URL. Kontor never rebuilds your database.');
  process.exit(2);
}
const log = (line: string) => console.log(`[kontor] ${line}`);
const db = await ensureDatabase({ log, reset: true });
await db.cluster?.stop();
log('Demo database rebuilt.');
