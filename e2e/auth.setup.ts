import { expect, test as setup } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_STAFF, storageStateOf } from './roles';

// Sign in once per role through the real form; the specs reuse the saved cookies.
for (const { email, role } of DEMO_STAFF) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect(page.getByRole('banner')).toContainText(email);
    await page.context().storageState({ path: storageStateOf(role) });
  });
}
