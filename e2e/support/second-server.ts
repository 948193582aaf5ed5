/**
 * A second `next start` of the built console with its own environment, for specs that need another
 * configuration (Supabase auth, a broken database) beside the suite's main server. Databases live on
 * the e2e suite's own embedded cluster (.kontor/e2e).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@/db/embedded';

/** A database on the e2e cluster that playwright.config.ts's web server started. */
export function e2eClusterUrl(database: string): string {
  const state = JSON.parse(fs.readFileSync(path.resolve('.kontor/e2e/pg17.state.json'), 'utf8')) as { port: number };
  return `postgres://postgres:postgres@127.0.0.1:${state.port}/${database}`;
}

export async function startSecondServer(env: Record<string, string>): Promise<{ base: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '--port', String(port)], {
    env: {
      ...process.env,
      KONTOR_SECRET: crypto.randomBytes(32).toString('base64url'),
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_OPTIONS: Number(process.versions.node.split('.')[0]) < 22 ? '--experimental-websocket' : '',
      ...env,
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${base}/login`).then(() => true, () => false)) return { base, server };
    await new Promise((r) => setTimeout(r, 500));
  }
  server.kill('SIGTERM');
  throw new Error('the second server did not start');
}
