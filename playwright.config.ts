/**
 * End-to-end tests in Debian's Chromium against the production build, served by scripts/serve.ts on
 * its own embedded database under .kontor/e2e: never the dev database, never DATABASE_URL.
 * The build runs first (`npm run test:e2e` does it; serve.ts builds when .next is missing).
 */
import { defineConfig } from '@playwright/test';

if (process.env.DATABASE_URL) {
  throw new Error('The e2e suite runs on its own embedded database: unset DATABASE_URL to run it.');
}

// KONTOR_E2E_PORT lets a second checkout run its suite beside this one.
const PORT = Number(process.env.KONTOR_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
const CI = Boolean(process.env.CI);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  // The CI machine is shared and noisy (2 cores): a test that walks several pages with axe gets room,
  // and so does each expectation. Locally the defaults keep feedback fast.
  timeout: CI ? 90_000 : 30_000,
  expect: { timeout: CI ? 15_000 : 5_000 },
  workers: CI ? 2 : 4,
  // scripts/test.ts reads the JSON report named by PLAYWRIGHT_JSON_OUTPUT_NAME.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
    { name: 'chromium', dependencies: ['setup'], testIgnore: /.*\.setup\.ts/ },
  ],
  webServer: {
    command: 'npx tsx scripts/serve.ts start',
    url: `${baseURL}/login`,
    // The schedule's workers run (the Jobs page's "Run now"), its crons do not: no run lands mid-spec.
    env: { KONTOR_HOME: '.kontor/e2e', PORT: String(PORT), KONTOR_SCHEDULE_JOBS: 'snapshot=off;ops-snapshot=off;stored-figures=off;reconcile-incremental=off;reconcile-full=off;advisors=off' },
    reuseExistingServer: !CI,
    // The first start builds the demo database (and the app when .next is missing).
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
