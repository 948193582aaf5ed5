/**
 * The one permission table. Pages and actions ask for a capability, never for a role name; the UI and
 * the tests read this table too, so what the console shows and what it allows cannot drift apart.
 *
 * Decisions worth knowing:
 * - viewer sees the overview only. `database.read` shows pg_stat_activity / pg_stat_statements, whose
 *   query text can carry customer data (literals in WHERE clauses), so it is an engineer's capability.
 * - support reads credits and tasks as well, to answer a customer's ticket, but changes neither;
 *   it may open a payment dispute (a request that finance resolves).
 * - `*.approve` is the second pair of eyes. Who may approve is decided here; that the approver is
 *   not the requester is the guarded-edit kernel's rule (lib/guard), not this table's.
 * - `security.impersonate` (acting as a product user to check what RLS lets them see) is an
 *   engineer's debugging tool and an admin's; nobody else.
 */
import { STAFF_ROLES, type StaffRole } from '@/db/types';

export { STAFF_ROLES, type StaffRole };

const ALL = STAFF_ROLES;

export const PERMISSIONS = {
  'overview.read': ALL,
  'database.read': ['engineer', 'admin'],
  'database.terminate': ['engineer', 'admin'],
  'security.read': ['engineer', 'admin'],
  'security.impersonate': ['engineer', 'admin'],
  'users.read': ['support', 'finance', 'engineer', 'admin'],
  'users.note': ['support', 'admin'],
  'payments.read': ['support', 'finance', 'admin'],
  'payments.dispute': ['support', 'finance', 'admin'],
  'payments.refund': ['finance', 'admin'],
  'payments.approve': ['finance', 'admin'],
  'credits.read': ['support', 'finance', 'admin'],
  'credits.adjust': ['finance', 'admin'],
  'credits.approve': ['finance', 'admin'],
  // Starting a reconciliation reads the whole ledger on up to three connections: not a reader's right.
  'credits.reconcile': ['finance', 'admin'],
  'tasks.read': ['support', 'engineer', 'admin'],
  'tasks.requeue': ['engineer', 'admin'],
  'tasks.cancel': ['engineer', 'admin'],
  'audit.read': ['finance', 'engineer', 'admin'],
  'approvals.read': ['support', 'finance', 'engineer', 'admin'],
  'staff.manage': ['admin'],
  // Kontor's own schedule (snapshots, reconciliations, checks) and its alerts: they run with Kontor's
  // rights over the whole database and post to outside webhooks, so they are the admin's.
  'jobs.read': ['admin'],
  'jobs.run': ['admin'],
  'alerts.read': ['admin'],
  'alerts.manage': ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Capability = keyof typeof PERMISSIONS;

export const CAPABILITIES = Object.keys(PERMISSIONS) as Capability[];

export function isCapability(value: unknown): value is Capability {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

export function roleCan(role: StaffRole, capability: Capability): boolean {
  return (PERMISSIONS[capability] as readonly StaffRole[]).includes(role);
}

/** What a role may do, in table order: for the staff page and the role badge's tooltip. */
export function capabilitiesOf(role: StaffRole): Capability[] {
  return CAPABILITIES.filter((c) => roleCan(role, c));
}
