/**
 * How a guarded edit is declared. The kernel (kernel.ts) runs every declaration the same way:
 * authorize -> validate -> preview (rolled back) -> commit (+ audit row, one transaction).
 *
 * `before` and `after` must be functions of the rows read and the input only (no now(), no random
 * ids): the kernel hashes the preview and refuses a commit or an approval whose outcome differs.
 */
import 'server-only';
import type { z } from 'zod';
import type { Trx } from '@/db/types';
import type { Capability, StaffContext } from '@/lib/auth';
import type { RowVersion } from '@/lib/guard/token';
import type { EditNote } from '@/lib/guard/note';

export interface Target {
  /** What kind of thing: 'staff', 'user', 'payment', ... (the audit log's filter). */
  type: string;
  id: string;
}

export interface Loaded<B = unknown> {
  target: Target;
  /** Every row the edit will change or depends on, with its version (a version column or md5 of the row). */
  rows: RowVersion[];
  before: B;
  /** Shown with the preview: what the row is tied to, what the edit leaves behind (part of the preview's hash). */
  notes?: EditNote[];
}

export interface Applied<A = unknown, R = unknown> {
  after: A;
  /** What the caller gets back (JSON): e.g. the new row's id. */
  result: R;
}

export interface EditLimits<I> {
  /** The edit's size in its unit (credits, currency), an exact decimal string: checked against maxAmount and dailyLimit. */
  amount?: (input: I) => string;
  /** The input field the amount comes from, named in the refusal. Default "amount". */
  amountField?: string;
  maxAmount?: number;
  /** Per staff member and UTC day, summed (absolute values) from the audit log and open requests. */
  dailyLimit?: number;
  /** For bulk edits: at most this many rows per edit. */
  maxRows?: number;
}

/** Who an edit is: its name and the capabilities it needs (lib/edits/catalog.ts holds them for every edit). */
export interface EditIdentity {
  /** Stable name, recorded in the audit log: 'staff.changeRole'. */
  name: string;
  /** For messages: "change a staff role". */
  label: string;
  capability: Capability;
  /** Who may approve a request above the threshold (someone other than the requester). */
  approveCapability?: Capability;
}

/** What an edit does. */
export interface EditBody<I = unknown, B = unknown, A = unknown, R = unknown> {
  /** The edit's fields (not the reason, which every edit has). Use z.strictObject. */
  input: z.ZodType<I>;
  load(trx: Trx, input: I, staff: StaffContext): Promise<Loaded<B>>;
  apply(trx: Trx, input: I, loaded: Loaded<B>, staff: StaffContext): Promise<Applied<A, R>>;
  limits?: EditLimits<I>;
  /** True when this input needs a second person (approveCapability is then required). */
  threshold?: (input: I) => boolean;
}

export interface EditDefinition<I = unknown, B = unknown, A = unknown, R = unknown> extends EditIdentity, EditBody<I, B, A, R> {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds edits of any shape
export type AnyEdit = EditDefinition<any, any, any, any>;

export function defineEdit<I, B, A, R>(edit: EditDefinition<I, B, A, R>): EditDefinition<I, B, A, R> {
  if (edit.threshold && !edit.approveCapability) {
    throw new Error(`Edit ${edit.name} declares a threshold but no approveCapability.`);
  }
  return Object.freeze(edit);
}
