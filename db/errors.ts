/**
 * Turns driver errors into something a person can act on. The console shows `message` (never a stack);
 * `kind` lets pages decide how to show it.
 */
export type DbProblemKind =
  | 'unreachable' // nothing listens, DNS fails, network down
  | 'auth' // the role or password is refused
  | 'timeout' // statement_timeout or lock_timeout cut the query off
  | 'busy' // every connection of Kontor's pool was in use for the whole wait
  | 'read-only' // a write was attempted through the read path
  | 'missing-object' // a table or column that was expected is not there
  | 'other';

export class KontorDbError extends Error {
  constructor(
    readonly kind: DbProblemKind,
    message: string,
    readonly code?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'KontorDbError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** node-postgres's Pool, when no connection came within connectionTimeoutMillis. */
const POOL_WAIT = /timeout exceeded when trying to connect/i;

/**
 * `pool.full`: whether every connection of the pool was in use when the error came; a pool-wait
 * timeout then means "busy", else the database did not answer in time.
 */
export function classifyDbError(err: unknown, pool?: { full: boolean }): unknown {
  if (err instanceof KontorDbError) return err;
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: string }).code;
  const msg = err.message;
  if (POOL_WAIT.test(msg) && pool?.full) {
    return new KontorDbError('busy', 'Kontor is busy: every database connection it may use is taken. Try again in a moment.', code, err);
  }
  if ((code && NETWORK_CODES.has(code)) || POOL_WAIT.test(msg) || /timeout expired|Connection terminated|connect ECONNREFUSED/i.test(msg)) {
    return new KontorDbError('unreachable', `The database cannot be reached (${code ?? msg}).`, code, err);
  }
  if (code === '57P03') {
    return new KontorDbError('unreachable', 'The database is starting up or shutting down; try again in a moment.', code, err);
  }
  if (code === '28P01' || code === '28000') {
    return new KontorDbError('auth', `The database refused Kontor's role: ${msg}.`, code, err);
  }
  if (code === '57014') {
    return new KontorDbError('timeout', 'The query took longer than the statement timeout and was cancelled.', code, err);
  }
  if (code === '55P03') {
    return new KontorDbError('timeout', 'The query waited too long for a lock (lock_timeout) and was cancelled.', code, err);
  }
  if (code === '25006') {
    return new KontorDbError('read-only', 'A write was attempted through the read-only path and was refused.', code, err);
  }
  if (code === '42P01' || code === '42703' || code === '3F000') {
    return new KontorDbError('missing-object', msg, code, err);
  }
  return err;
}

/**
 * A key from a URL that the key column's type cannot hold ('123' for a uuid column, a uuid for an
 * integer one): the row does not exist, so pages answer "not found" rather than an error.
 */
export function isKeyTypeMismatch(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '22P02' || code === '22003';
}
