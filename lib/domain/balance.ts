/**
 * After Kontor inserts a ledger row: products whose app updates the cached balance itself (the
 * mapping's ledger.balanceUpdate = 'app') need Kontor to do the same, in the same transaction; for
 * products whose trigger does it ('trigger'), doing it again would count the money twice.
 */
import 'server-only';
import { sql } from 'kysely';
import { activeMapping, columnOf, hasColumn, keyOf, type Mapping } from '@/lib/mapping';
import { writeTableOf } from '@/lib/mapping/sql';
import type { Trx } from '@/db/types';

export async function moveCachedBalance(trx: Trx, userId: string, amount: string | number, mapping: Mapping = activeMapping()): Promise<void> {
  const { users, ledger } = mapping;
  if (!users || !ledger || ledger.balanceUpdate !== 'app' || !hasColumn(users, 'credits')) return;
  await sql`update ${writeTableOf(users)} set ${columnOf(users, 'credits')} = coalesce(${columnOf(users, 'credits')}, 0) + ${String(amount)}::numeric
             where ${keyOf(users)}::text = ${userId}`.execute(trx);
}
