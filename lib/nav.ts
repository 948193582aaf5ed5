/**
 * The console's areas and the capability each needs. The sidebar lists only the areas a staff member
 * may open; an area is added here when its page works (no placeholders).
 */
import { roleCan, type Capability, type StaffRole } from '@/lib/auth/permissions';

export interface NavArea {
  href: string;
  label: string;
  capability: Capability;
}

export const NAV_AREAS: readonly NavArea[] = [{ href: '/', label: 'Overview', capability: 'overview.read' }];

/** The areas a role may open, in sidebar order. */
export function navFor(role: StaffRole): NavArea[] {
  return NAV_AREAS.filter((a) => roleCan(role, a.capability));
}

/** The area a path belongs to: the longest matching href. */
export function areaOf(pathname: string): NavArea | undefined {
  return [...NAV_AREAS]
    .sort((a, b) => b.href.length - a.href.length)
    .find((a) => (a.href === '/' ? pathname === '/' : pathname === a.href || pathname.startsWith(`${a.href}/`)));
}
