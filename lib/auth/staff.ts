/**
 * Who is staff, and the StaffContext that proves it. Membership and role come from kontor.staff
 * (keyed by auth.users.id), never from JWT claims or user metadata, which users can edit.
 *
 * A StaffContext can only be made here: its constructor demands a symbol this module does not export,
 * and `#verified` makes the class nominal, so an object literal of the same shape does not type-check.
 * Data functions that take a StaffContext therefore cannot be called without going through the gate.
 */
import 'server-only';
import type { Kysely } from 'kysely';
import type { KontorDatabase, StaffRole } from '@/db/types';
import { STAFF_ROLES } from '@/db/types';
import { roleCan, type Capability } from '@/lib/auth/permissions';

/** Someone whose sign-in was verified (Kontor's cookie or a Supabase JWT); not yet known to be staff. */
export interface Identity {
  userId: string;
  email: string;
}

const MINT = Symbol('kontor.staff-context');

export class StaffContext {
  readonly #verified = true;

  private constructor(
    token: typeof MINT,
    readonly userId: string,
    readonly email: string,
    readonly role: StaffRole,
  ) {
    if (token !== MINT) throw new Error('A StaffContext is made by requireStaff, not by hand.');
  }

  /** @internal for this module only: MINT is not exported. */
  static mint(token: typeof MINT, userId: string, email: string, role: StaffRole) {
    return new StaffContext(token, userId, email, role);
  }

  can(capability: Capability): boolean {
    return this.#verified && roleCan(this.role, capability);
  }

  toJSON() {
    return { userId: this.userId, email: this.email, role: this.role };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The staff member behind a verified identity, or null when they are not staff. Takes `db` or a `trx`
 * (the console calls it inside `read()`).
 */
export async function loadStaff(db: Kysely<KontorDatabase>, identity: Identity): Promise<StaffContext | null> {
  if (!UUID.test(identity.userId)) return null; // a uuid column would throw on anything else
  const row = await db
    .selectFrom('kontor.staff')
    .select(['user_id', 'email', 'role'])
    .where('user_id', '=', identity.userId)
    .executeTakeFirst();
  if (!row || !(STAFF_ROLES as readonly string[]).includes(row.role)) return null;
  return StaffContext.mint(MINT, row.user_id, identity.email || row.email, row.role);
}

export type Authorization =
  | { ok: true; staff: StaffContext }
  | { ok: false; reason: 'not-staff' }
  | { ok: false; reason: 'forbidden'; staff: StaffContext };

/** The pure core of requireStaff: is this verified identity staff, and may their role do `capability`? */
export async function authorizeStaff(
  db: Kysely<KontorDatabase>,
  identity: Identity,
  capability: Capability,
): Promise<Authorization> {
  const staff = await loadStaff(db, identity);
  if (!staff) return { ok: false, reason: 'not-staff' };
  if (!staff.can(capability)) return { ok: false, reason: 'forbidden', staff };
  return { ok: true, staff };
}
