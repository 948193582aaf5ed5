/**
 * What each route of the production build sends to the browser: its first-load JavaScript (the root
 * chunks and every chunk its layouts and page load, from the build's client reference manifests),
 * gzipped, and which of those chunks carry code that belongs on the server (zod, Kysely, catalog SQL).
 *
 *   npx tsx scripts/client-bundles.ts [.next]      # a Markdown table, one row per route
 *
 * e2e/bundles.spec.ts fails the build's check when any client chunk holds server code.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

/** Strings that survive minification, one set per library that must stay on the server. */
export const SERVER_CODE: Record<string, RegExp> = {
  zod: /\$ZodType|ZodError/,
  kysely: /SelectQueryNode|InsertQueryNode|kysely/i,
  'catalog SQL': /pg_catalog\.|pg_stat_statements/,
};

export interface RouteBundle {
  route: string;
  files: string[];
  /** Gzipped bytes of the files. */
  gzip: number;
  /** Server code found in the route's chunks: library -> chunk files. */
  server: Record<string, string[]>;
}

const gzipCache = new Map<string, number>();
const textCache = new Map<string, string>();

function chunk(nextDir: string, file: string): { text: string; gzip: number } {
  const full = path.join(nextDir, file);
  if (!textCache.has(full)) {
    const buf = fs.readFileSync(full);
    textCache.set(full, buf.toString('utf8'));
    gzipCache.set(full, zlib.gzipSync(buf, { level: 9 }).length);
  }
  return { text: textCache.get(full)!, gzip: gzipCache.get(full)! };
}

/** Every app route of the build (its page), with its first-load JavaScript. */
export function routeBundles(nextDir = '.next'): RouteBundle[] {
  const build = JSON.parse(fs.readFileSync(path.join(nextDir, 'build-manifest.json'), 'utf8')) as { rootMainFiles: string[] };
  const appPaths = JSON.parse(fs.readFileSync(path.join(nextDir, 'server/app-paths-manifest.json'), 'utf8')) as Record<string, string>;
  const out: RouteBundle[] = [];
  for (const entry of Object.keys(appPaths).filter((p) => p.endsWith('/page')).sort()) {
    const file = path.join(nextDir, 'server/app', `${entry}_client-reference-manifest.js`);
    if (!fs.existsSync(file)) continue; // a route handler or a page without client references
    const sandbox = { globalThis: {} as { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } };
    vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox);
    const manifest = Object.values(sandbox.globalThis.__RSC_MANIFEST ?? {})[0];
    const files = [...new Set([...build.rootMainFiles, ...Object.values(manifest?.entryJSFiles ?? {}).flat()])];
    const server: Record<string, string[]> = {};
    let gzip = 0;
    for (const f of files) {
      const c = chunk(nextDir, f);
      gzip += c.gzip;
      for (const [lib, re] of Object.entries(SERVER_CODE)) if (re.test(c.text)) (server[lib] ??= []).push(f);
    }
    const route = entry.replace(/\/page$/, '').replace(/\/\([^)]+\)/g, '') || '/';
    out.push({ route, files, gzip, server });
  }
  return out;
}

/** Every client chunk of the build holding server code: file -> libraries. */
export function serverCodeInClientChunks(nextDir = '.next'): Record<string, string[]> {
  const dir = path.join(nextDir, 'static/chunks');
  const found: Record<string, string[]> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.js'))) {
    const { text } = chunk(nextDir, path.join('static/chunks', f));
    const libs = Object.entries(SERVER_CODE).filter(([, re]) => re.test(text)).map(([lib]) => lib);
    if (libs.length) found[f] = libs;
  }
  return found;
}

function main() {
  const nextDir = process.argv[2] ?? '.next';
  const rows = routeBundles(nextDir).map((r) => {
    const server = Object.entries(r.server).map(([lib, files]) => `${lib} (${files.length})`).join(', ');
    return `| ${r.route} | ${(r.gzip / 1024).toFixed(1)} | ${r.files.length} | ${server || '–'} |`;
  });
  console.log(['| route | first-load JS, KiB gzip | chunks | server code in them |', '|---|---:|---:|---|', ...rows].join('\n'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('scripts/client-bundles.ts')) main();
