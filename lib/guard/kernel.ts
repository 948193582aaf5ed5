/**
 * The guarded-edit kernel: authorize -> validate -> preview -> commit. Every write Kontor makes to a
 * product database goes through previewEdit and commitEdit (or decideApproval, which shares their
 * core), so every write is authorized, validated, previewed, version-checked, idempotent and audited.
 */
import 'server-only';
import { sql, type Kysely } from 'kysely';
import { getDb, write } from '@/db/index';
import { isKeyTypeMismatch } from '@/db/errors';
import type { KontorDatabase } from '@/db/types';
import { env } from '@/lib/env';
import type { StaffContext } from '@/lib/auth';
import type { Trx } from '@/db/types';
import type { AnyEdit, Loaded, Target } from '@/lib/guard/define';
import { computeChanges, type Change } from '@/lib/guard/diff';
import { GuardError, invalid, STALE_MESSAGE, USED_MESSAGE } from '@/lib/guard/errors';
import { parseEditInput } from '@/lib/guard/input';
import { checkLimits } from '@/lib/guard/limits';
import { appendAudit } from '@/lib/guard/audit';
import { refuseDuplicateRequest } from '@/lib/guard/pending';
import { hashOf } from '@/lib/guard/canonical';
import type { EditNote } from '@/lib/guard/note';
import { idempotencyKeySchema } from '@/lib/guard/text';
import { signPreview, verifyPreview, type RowVersion } from '@/lib/guard/token';

export const APPROVAL_TTL_HOURS = 24;

export interface GuardOptions {
  db?: Kysely<KontorDatabase>;
  /** Signs preview tokens; default KONTOR_SECRET. */
  secret?: string;
  /** Recorded in the audit row: the request that made the edit. */
  requestId?: string;
}

export interface Preview {
  target: Target;
  before: unknown;
  after: unknown;
  changes: Change[];
  /** True when committing creates a request for a second person instead of applying. */
  needsApproval: boolean;
  notes?: EditNote[];
}

export type CommitResult =
  | { status: 'applied'; auditId: string; result: unknown; repeated: boolean }
  | { status: 'pending'; approvalId: string; auditId: string; repeated: boolean };

export function authorizeEdit(edit: AnyEdit, staff: StaffContext) {
  if (!staff.can(edit.capability)) {
    throw new GuardError('forbidden', `Your role (${staff.role}) may not ${edit.label}: it needs ${edit.capability}.`);
  }
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/**
 * Load and apply inside the caller's transaction; the caller decides whether it stands. `beforeApply`
 * runs between the two (the preview's limit check), so locks are always taken in one order: the
 * edit's load, then the limit's advisory lock, then whatever apply writes.
 */
export async function simulate(
  trx: Trx,
  edit: AnyEdit,
  input: unknown,
  staff: StaffContext,
  beforeApply?: (loaded: Loaded) => Promise<void>,
) {
  let loaded: Loaded;
  try {
    loaded = await edit.load(trx, input, staff);
  } catch (err) {
    // An id the key column's type cannot hold names no row (the column decides what a key is).
    if (isKeyTypeMismatch(err)) throw keyMismatch(err, input);
    throw err;
  }
  await beforeApply?.(loaded);
  const applied = await edit.apply(trx, input, loaded, staff);
  const preview: Preview = {
    target: loaded.target,
    before: loaded.before ?? null,
    after: applied.after ?? null,
    changes: computeChanges(loaded.before, applied.after),
    needsApproval: Boolean(edit.threshold?.(input)),
    ...(loaded.notes?.length ? { notes: loaded.notes } : {}),
  };
  // Through JSON, as the browser and kontor.approvals will see it, so hashes compare like for like.
  return { loaded, applied, preview: JSON.parse(JSON.stringify(preview)) as Preview };
}

/**
 * A key the column cannot hold ('x' for a uuid key): invalid, on the field that carried it (Postgres
 * quotes the value: `invalid input syntax for type uuid: "x"`), with the message a parse would give.
 */
function keyMismatch(err: unknown, input: unknown): GuardError {
  const value = /: "(.*)"$/s.exec((err as Error).message ?? '')?.[1];
  const field = Object.entries((input ?? {}) as Record<string, unknown>).find(([, v]) => value !== undefined && String(v) === value)?.[0];
  if (!field) return new GuardError('not-found', 'No such row: that id cannot be a key of this table.');
  const what = field.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return invalid(field, `The ${what} is not a valid id.`);
}

export function sameVersions(a: RowVersion[], b: RowVersion[]): boolean {
  return a.length === b.length && a.every((v, i) => v.key === b[i].key && v.version === b[i].version);
}

/** Runs the edit in a transaction that is rolled back, and signs what it would do. */
export async function previewEdit(
  edit: AnyEdit,
  staff: StaffContext,
  raw: unknown,
  opts: GuardOptions = {},
): Promise<{ preview: Preview; token: string }> {
  authorizeEdit(edit, staff);
  const { input } = parseEditInput(edit, raw, { requireReason: false });
  const secret = opts.secret ?? env.KONTOR_SECRET;
  let outcome: { preview: Preview; versions: RowVersion[] };
  try {
    await write(async (trx) => {
      const { loaded, preview } = await simulate(trx, edit, input, staff, (l) => checkLimits(trx, edit, input, l, staff));
      throw new Rollback({ preview, versions: loaded.rows });
    }, {}, opts.db ?? getDb());
    throw new Error('unreachable: the preview transaction must roll back');
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    outcome = err.value as typeof outcome;
  }
  const token = await signPreview(
    { edit: edit.name, staffId: staff.userId, inputHash: hashOf(input), previewHash: hashOf(outcome.preview), versions: outcome.versions },
    secret,
  );
  return { preview: outcome.preview, token };
}

/**
 * Commits a previewed edit: one transaction claims the idempotency key, re-reads the rows and
 * compares their versions with the token's, applies, and appends the audit row (or, above the
 * threshold, records a pending approval and its audit row instead).
 */
export async function commitEdit(
  edit: AnyEdit,
  staff: StaffContext,
  raw: unknown,
  token: unknown,
  idempotencyKey: unknown,
  opts: GuardOptions = {},
): Promise<CommitResult> {
  authorizeEdit(edit, staff);
  const { input, reason } = parseEditInput(edit, raw, { requireReason: true });
  const key = idempotencyKeySchema.safeParse(idempotencyKey);
  if (!key.success) throw new GuardError('invalid', key.error.issues[0].message);
  const claims = await verifyPreview(token, opts.secret ?? env.KONTOR_SECRET);
  const inputHash = hashOf(input);
  if (claims.edit !== edit.name || claims.staffId !== staff.userId) {
    throw new GuardError('token', 'This preview belongs to another edit or another staff member: preview the edit again.');
  }
  if (claims.inputHash !== inputHash) {
    throw new GuardError('token', 'The fields differ from the ones you previewed: preview the edit again.');
  }

  return write(async (trx) => {
    const claimed = await trx
      .insertInto('kontor.idempotency')
      .values({ key: key.data, edit: edit.name, staff_id: staff.userId, input_hash: inputHash, result: null, preview_id: claims.id ?? null })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst()
      .catch((err: { code?: string; constraint?: string }) => {
        // Another idempotency key already committed this preview (a repeat of the same key is answered below).
        if (err.code === '23505' && err.constraint === 'idempotency_preview_id_key') throw new GuardError('token', USED_MESSAGE);
        throw err;
      });
    if (!claimed) {
      // A concurrent duplicate waited on the key's unique index until the first committed.
      const prior = await trx.selectFrom('kontor.idempotency').selectAll().where('key', '=', key.data).executeTakeFirstOrThrow();
      if (prior.edit !== edit.name || prior.input_hash !== inputHash || prior.staff_id !== staff.userId) {
        throw new GuardError('idempotency', 'This idempotency key was already used for a different edit; nothing was written. Start the edit again.');
      }
      return { ...(prior.result as CommitResult), repeated: true };
    }

    const current: Loaded = await edit.load(trx, input, staff);
    if (!sameVersions(current.rows, claims.versions)) throw new GuardError('stale', STALE_MESSAGE);
    await checkLimits(trx, edit, input, current, staff);
    const amount = edit.limits?.amount ? edit.limits.amount(input) : null;
    const base = { staff, target: current.target, reason: reason!, amount, idempotencyKey: key.data, requestId: opts.requestId };

    let result: CommitResult;
    if (edit.threshold?.(input)) {
      await refuseDuplicateRequest(trx, edit.name, current.target, inputHash);
      await sql`savepoint kontor_request_preview`.execute(trx);
      const { preview } = await simulate(trx, edit, input, staff);
      await sql`rollback to savepoint kontor_request_preview`.execute(trx);
      if (hashOf(preview) !== claims.previewHash) throw new GuardError('stale', STALE_MESSAGE);
      const approval = await trx
        .insertInto('kontor.approvals')
        .values({
          edit: edit.name,
          capability: edit.capability,
          approve_capability: edit.approveCapability!,
          requested_by: staff.userId,
          requested_email: staff.email,
          requested_role: staff.role,
          input: JSON.stringify(input),
          input_hash: inputHash,
          preview: JSON.stringify(preview),
          preview_hash: claims.previewHash,
          versions: JSON.stringify(current.rows),
          target_type: current.target.type,
          target_id: current.target.id,
          amount,
          reason: reason!,
          expires_at: sql<string>`now() + make_interval(hours => ${APPROVAL_TTL_HOURS})` as unknown as string,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const audit = await appendAudit(trx, {
        ...base,
        capability: edit.capability,
        action: `${edit.name}.request`,
        before: preview.before,
        after: preview.after,
        approvalId: approval.id,
      });
      result = { status: 'pending', approvalId: approval.id, auditId: audit.id, repeated: false };
    } else {
      const { loaded, applied, preview } = await simulate(trx, edit, input, staff);
      if (hashOf(preview) !== claims.previewHash) throw new GuardError('stale', STALE_MESSAGE);
      const audit = await appendAudit(trx, {
        ...base,
        capability: edit.capability,
        action: edit.name,
        target: loaded.target,
        before: loaded.before,
        after: applied.after,
      });
      result = { status: 'applied', auditId: audit.id, result: applied.result ?? null, repeated: false };
    }
    await trx.updateTable('kontor.idempotency').set({ result: JSON.stringify(result) }).where('key', '=', key.data).execute();
    return result;
  }, {}, opts.db ?? getDb());
}
