/**
 * `npm run dev` / `npm run build` / `npm start`: find the database (DATABASE_URL, else the embedded
 * demo under .kontor/, built on first start), then run Next with the settings it needs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDatabase } from '@/db/runtime';
import { DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { nodeOptions } from '@/scripts/node-options';
import { getFixture } from '@/db/fixtures/build';

const mode = process.argv[2] as 'dev' | 'build' | 'start';
const port = process.env.PORT ?? '3000';
const nextBin = path.resolve('node_modules/next/dist/bin/next');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [nextBin, ...args], { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main() {
  if (mode === 'build') {
    process.exit(await run(['build'], { ...process.env, NODE_OPTIONS: nodeOptions(), NEXT_TELEMETRY_DISABLED: '1' }));
  }
  if (mode !== 'dev' && mode !== 'start') throw new Error(`usage: serve.ts dev|build|start`);

  const log = (line: string) => console.log(`[kontor] ${line}`);
  const db = await ensureDatabase({ log });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: nodeOptions(),
    // An admin console sends nothing home.
    NEXT_TELEMETRY_DISABLED: '1',
    KONTOR_SECRET: process.env.KONTOR_SECRET ?? db.secret,
    ...(db.embedded ? { KONTOR_EMBEDDED_URL: db.url } : {}),
    // A product's fixture is read through that product's preset (unless told otherwise).
    ...(db.fixture && !process.env.KONTOR_PRESET && !process.env.KONTOR_MAPPING ? { KONTOR_PRESET: getFixture(db.fixture).preset } : {}),
  };

  if (mode === 'start' && !fs.existsSync('.next/BUILD_ID')) {
    log('No production build yet: running `next build` first.');
    const code = await run(['build'], env);
    if (code !== 0) process.exit(code);
  }

  console.log('');
  log(`Console: http://localhost:${port}`);
  log(db.embedded ? `Database: embedded demo (${db.url.replace(/:[^:@/]*@/, ':***@')})` : 'Database: DATABASE_URL');
  if (db.embedded) {
    log(`Demo staff accounts (password "${DEMO_PASSWORD}"): ${DEMO_STAFF.map((s) => s.email).join(', ')}`);
  }
  console.log('');

  const code = await run([mode, '--port', port], env);
  await db.cluster?.stop();
  process.exit(code);
}

main().catch((err: Error) => {
  console.error(`[kontor] ${err.message}`);
  process.exit(1);
});
