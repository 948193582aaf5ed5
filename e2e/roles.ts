/** Who the e2e suite signs in as, and what each may do: read from the app's own tables. */
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { roleCan, type Capability, type StaffRole } from '@/lib/auth/permissions';
import { navFor } from '@/lib/nav';

export { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF };

export const ROLES: StaffRole[] = DEMO_STAFF.map((s) => s.role);

/** Saved by auth.setup.ts, one per role. */
export function storageStateOf(role: StaffRole): string {
  return path.resolve('test-results/.auth', `${role}.json`);
}

export function rolesWith(capability: Capability): StaffRole[] {
  return ROLES.filter((r) => roleCan(r, capability));
}

export function rolesWithout(capability: Capability): StaffRole[] {
  return ROLES.filter((r) => !roleCan(r, capability));
}

export function navLabelsOf(role: StaffRole): string[] {
  return navFor(role).map((a) => a.label);
}

export function emailOf(role: StaffRole): string {
  return DEMO_STAFF.find((s) => s.role === role)!.email;
}

/**
 * Opens each path and expects the console's refusal. The pages stream under the console's loading
 * boundary, so a refusal is the forbidden page (status 200), not a 403; and no data table is shown.
 */
export async function expectRefused(page: Page, paths: string[], opts: { tables?: boolean } = {}) {
  for (const p of paths) {
    await page.goto(p);
    await expect(page.getByRole('heading', { name: 'Your role may not open this page' }), p).toBeVisible();
    if (opts.tables !== false) await expect(page.getByRole('table'), p).toHaveCount(0);
  }
}
