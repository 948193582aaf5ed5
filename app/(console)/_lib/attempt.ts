import 'server-only';
import { KontorDbError, type DbProblemKind } from '@/db/errors';

/**
 * What would make a slow read fast, said beside its timeout: an index to create on the product's table
 * (Kontor runs no DDL: the SQL is for the reader to run), or a narrower question (a shorter period, a
 * filter) as a link to the same page asking it.
 */
/** SQLSTATE query_canceled, as statement_timeout raises it (db/errors.ts). */
const STATEMENT_TIMEOUT = '57014';

export type SpeedHint =
  | { kind: 'index'; table: string; sql: string; why?: string }
  | { kind: 'narrower'; label: string; href: string };

export type AttemptFailure = { ok: false; kind: DbProblemKind; message: string; hints: SpeedHint[] };
export type Attempt<T> = { ok: true; value: T } | AttemptFailure;

export interface AttemptOptions {
  /**
   * Hints shown when the read is cut off by the statement timeout: a list, or a function that finds
   * them (a catalog read, run only then; its own failure shows none). Not for a lock wait (also kind
   * 'timeout'): neither an index nor a shorter period shortens someone else's transaction.
   */
  whenSlow?: SpeedHint[] | (() => Promise<SpeedHint[]>);
}

/**
 * Runs one read for one part of a page, so a timeout in one figure leaves the others standing and the
 * page never ends in the error boundary. Messages are the ones KontorDbError wrote for people; anything
 * else is logged, not shown.
 */
export async function attempt<T>(fn: () => Promise<T>, { whenSlow }: AttemptOptions = {}): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof KontorDbError) {
      const hints = err.code === STATEMENT_TIMEOUT && whenSlow ? await hintsOf(whenSlow) : [];
      return { ok: false, kind: err.kind, message: err.message, hints };
    }
    console.error('[kontor] read failed', err);
    return { ok: false, kind: 'other', message: 'The read failed unexpectedly; the server log has the details.', hints: [] };
  }
}

async function hintsOf(whenSlow: NonNullable<AttemptOptions['whenSlow']>): Promise<SpeedHint[]> {
  if (Array.isArray(whenSlow)) return whenSlow;
  try {
    return await whenSlow();
  } catch (err) {
    console.error('[kontor] finding what would make a read fast failed', err);
    return [];
  }
}
