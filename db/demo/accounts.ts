import type { StaffRole } from '@/db/types';

/** The demo's staff accounts: one per role, all with the same password. Exist in the demo database only. */
export const DEMO_PASSWORD = 'kontor-demo';

export const DEMO_STAFF: { email: string; role: StaffRole }[] = [
  { email: 'admin@kontor.dev', role: 'admin' },
  { email: 'engineer@kontor.dev', role: 'engineer' },
  { email: 'finance@kontor.dev', role: 'finance' },
  { email: 'support@kontor.dev', role: 'support' },
  { email: 'viewer@kontor.dev', role: 'viewer' },
];

/** A product user (not staff) with a known password: sign-in must refuse it. */
export const DEMO_CUSTOMER = { email: 'ada@example.com', password: DEMO_PASSWORD };
