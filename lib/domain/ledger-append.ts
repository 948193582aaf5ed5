/**
 * The one way Kontor writes money: a new row in the product's ledger (money is never edited in place),
 * then the cached balance where the product's app keeps it (moveCachedBalance). The amount is an exact
 * decimal string; a JSON field of the mapping (metadata->>stripe_session_id) goes inside its column.
 * A refusal by the product's own trigger or constraint is shown with the product's words.
 */
import 'server-only';
import { sql } from 'kysely';
import type { Trx } from '@/db/types';
import { columnOf, keyOf, type Mapping } from '@/lib/mapping';
import { insertColumns, writeTableOf } from '@/lib/mapping/sql';
import { GuardError } from '@/lib/guard/errors';
import { moveCachedBalance } from '@/lib/domain/balance';
import { compareDecimals } from '@/lib/money';

export interface LedgerAppend {
  userId: string;
  /** Credits, exact: "25.00", "-3.5". */
  amount: string;
  type: string | null;
  paymentId?: string | null;
  taskId?: string | null;
  description?: string;
}

/** Appends the entry and moves the cached balance by its amount; returns the new entry's key. */
export async function appendLedgerEntry(trx: Trx, mapping: Mapping, entry: LedgerAppend): Promise<string> {
  const { ledger } = mapping;
  if (!ledger) throw new GuardError('misconfigured', 'Writing credits needs the ledger concept in the table mapping.');
  const row = insertColumns(ledger, {
    // Through numeric, so that an integer or numeric(p, s) column takes it by assignment (checked below).
    userId: entry.userId, amount: sql`${entry.amount}::numeric`, type: entry.type, paymentId: entry.paymentId ?? null, taskId: entry.taskId ?? null,
    description: entry.description ?? null,
  });
  let stored: { id: string; amount: string };
  try {
    const { rows } = await sql<{ id: string; amount: string }>`
      insert into ${writeTableOf(ledger)} (${row.columns}) values (${row.values})
      returning ${keyOf(ledger)}::text as id, ${columnOf(ledger, 'amount')}::text as amount`.execute(trx);
    stored = rows[0];
  } catch (err) {
    if (isProductRefusal(err)) throw productRefusal(err);
    throw err;
  }
  // A column of fewer decimals rounds on assignment: refused rather than writing other money than asked.
  if (compareDecimals(stored.amount, entry.amount) !== 0) {
    throw new GuardError('invalid', `The ledger keeps ${stored.amount}, not ${entry.amount}: its amount column has fewer decimals. Nothing was written.`, {
      amount: [`The ledger cannot hold ${entry.amount} exactly.`],
    });
  }
  await moveCachedBalance(trx, entry.userId, entry.amount, mapping);
  return stored.id;
}

/** A RAISE in the product's trigger (P0001) or a constraint (23xxx). */
export function isProductRefusal(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'P0001' || Boolean(code?.startsWith('23'));
}

export function productRefusal(err: unknown): GuardError {
  const e = err as { message?: string; where?: string };
  const where = /function (\S+)/.exec(e.where ?? '')?.[1];
  return new GuardError('conflict', `The product's database refused this${where ? ` (${where})` : ''}: ${e.message}. Nothing was written.`);
}
