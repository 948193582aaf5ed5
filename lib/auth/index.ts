/**
 * lib/auth's public face for server code. Client components import '@/lib/auth/permissions' instead
 * (this module pulls in next/headers).
 */
export {
  CAPABILITIES,
  PERMISSIONS,
  STAFF_ROLES,
  capabilitiesOf,
  isCapability,
  roleCan,
  type Capability,
  type StaffRole,
} from '@/lib/auth/permissions';
export { StaffContext, authorizeStaff, loadStaff, type Authorization, type Identity } from '@/lib/auth/staff';
export {
  authorizeAction,
  getStaff,
  refusal,
  requireStaff,
  requireStaffForWrite,
  StaffForbiddenError,
  type ActionRefusal,
} from '@/lib/auth/server';
