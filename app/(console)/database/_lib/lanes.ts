/**
 * Read-only transactions side by side (lanes) for a page whose reads overlap (the advisors' checks).
 * The first waits for a connection as any read does; each further one is opened only while the pool
 * has one to spare, so that requests holding some lanes never all wait for more (with a fixed count,
 * a few such pages at once could each hold one connection and wait for the rest until the timeout).
 */
import 'server-only';
import type { Kysely, Transaction } from 'kysely';
import { read, spareConnections } from '@/db/index';
import type { KontorDatabase } from '@/db/types';

export function readLanes<T>(
  most: number,
  fn: (lanes: Transaction<KontorDatabase>[]) => Promise<T>,
  db?: Kysely<KontorDatabase>,
): Promise<T> {
  const open = (held: Transaction<KontorDatabase>[]): Promise<T> => read((trx) => {
    const lanes = [...held, trx];
    return lanes.length < most && spareConnections(db) > 0 ? open(lanes) : fn(lanes);
  }, {}, db);
  return open([]);
}
