/**
 * The console's areas and the capability each needs. The sidebar lists only the areas a staff member
 * may open; an area is added here when its page works (no placeholders).
 */
import { roleCan, type Capability, type StaffRole } from '@/lib/auth/permissions';
import type { ConceptName } from '@/lib/mapping/schema';

export interface NavArea {
  href: string;
  label: string;
  capability: Capability;
  /** A heading the sidebar may group areas under (e.g. "Database"). */
  group?: string;
  /** The product concepts the area reads: hidden when the database lacks one (the Overview says why). */
  concepts?: ConceptName[];
  /** Shown when the database has at least one of these (and every one of `concepts`). */
  anyConcepts?: ConceptName[];
}

export const NAV_AREAS: readonly NavArea[] = [
  { href: '/', label: 'Overview', capability: 'overview.read' },
  { href: '/users', label: 'Users', capability: 'users.read', concepts: ['users'] },
  { href: '/payments', label: 'Payments', capability: 'payments.read', concepts: ['payments'] },
  { href: '/database/tables', label: 'Tables', capability: 'database.read', group: 'Database' },
  { href: '/database/indexes', label: 'Indexes', capability: 'database.read', group: 'Database' },
  { href: '/database/activity', label: 'Activity', capability: 'database.read', group: 'Database' },
  { href: '/database/queries', label: 'Queries', capability: 'database.read', group: 'Database' },
  { href: '/database/policies', label: 'Policies', capability: 'database.read', group: 'Database' },
  { href: '/database/access', label: 'Access', capability: 'database.read', group: 'Database' },
  { href: '/database/advisors', label: 'Advisors', capability: 'database.read', group: 'Database' },
  { href: '/tasks/queue', label: 'Queue', capability: 'tasks.read', group: 'Operations', concepts: ['tasks'] },
  { href: '/tasks', label: 'Tasks', capability: 'tasks.read', group: 'Operations', concepts: ['tasks'] },
  { href: '/workers', label: 'Workers', capability: 'tasks.read', group: 'Operations', concepts: ['workers'] },
  { href: '/finance/reconciliation', label: 'Reconciliation', capability: 'credits.read', group: 'Finance', concepts: ['users', 'ledger'] },
  { href: '/finance/statement', label: 'Statement', capability: 'credits.read', group: 'Finance', concepts: ['users', 'ledger'] },
  { href: '/finance/billing', label: 'Billing checks', capability: 'credits.read', group: 'Finance', anyConcepts: ['payments', 'subscriptions', 'usageCounters'] },
  { href: '/finance/usage-costs', label: 'Usage costs', capability: 'credits.read', group: 'Finance', concepts: ['apiCosts', 'ledger'] },
  { href: '/approvals', label: 'Approvals', capability: 'approvals.read' },
  { href: '/audit', label: 'Audit log', capability: 'audit.read' },
  { href: '/staff', label: 'Staff', capability: 'staff.manage' },
  { href: '/alerts', label: 'Alerts', capability: 'alerts.read', group: 'Watch' },
  { href: '/alerts/webhooks', label: 'Webhooks', capability: 'alerts.read', group: 'Watch' },
  { href: '/jobs', label: 'Jobs', capability: 'jobs.read', group: 'Watch' },
];

/**
 * The areas a role may open, in sidebar order; with `available` (the mapping's concepts that exist in
 * this database), only the areas whose concepts are all there.
 */
export function navFor(role: StaffRole, available?: readonly ConceptName[]): NavArea[] {
  return NAV_AREAS.filter((a) => roleCan(role, a.capability) && (!available || (
    (a.concepts ?? []).every((c) => available.includes(c)) && (!a.anyConcepts || a.anyConcepts.some((c) => available.includes(c))))));
}

/** The area a path belongs to: the longest matching href. */
export function areaOf(pathname: string): NavArea | undefined {
  return [...NAV_AREAS]
    .sort((a, b) => b.href.length - a.href.length)
    .find((a) => (a.href === '/' ? pathname === '/' : pathname === a.href || pathname.startsWith(`${a.href}/`)));
}
