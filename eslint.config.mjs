import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // Only lib/env.ts (and db/settings.ts, the database's part of its schema) reads the environment; scripts and tests set it up for the app.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through lib/env.ts.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lib/env.ts', 'db/settings.ts', 'scripts/**', 'cli/**', 'test/**', 'e2e/**', 'db/runtime.ts', 'db/embedded.ts', 'db/demo/**', '**/*.test.ts', 'playwright.config.ts', 'next.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  { ignores: ['.next/**', 'node_modules/**', '.kontor/**', 'scratch/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
];

export default config;
