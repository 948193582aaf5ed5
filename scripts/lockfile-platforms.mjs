/**
 * The npm mirror this project is developed on serves only the packages of its own platform, so npm
 * writes a lock file without the other platforms' optional binaries (@next/swc-darwin-arm64, …) and
 * `npm ci` then refuses it as out of sync. This adds those entries back, marked optional with the
 * os/cpu their names declare, so `npm ci` skips them here and fetches them on the platform they are for.
 * Run after `npm install`: `node scripts/lockfile-platforms.mjs`.
 */
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p)) ?? (parts.includes('windows') ? 'win32' : parts.includes('wasm32') ? undefined : undefined);
  let cpu = parts.find((p) => CPU.includes(p));
  if (!cpu && parts.includes('gnueabihf')) cpu = 'arm';
  return { os, cpu };
}

let added = 0;
for (const [where, pkg] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const nested = `${where ? `${where}/` : ''}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    const version = String(spec).replace(/^[\^~=v]+/, '');
    const { os, cpu } = platformOf(dep);
    const entry = { version, optional: true, license: pkg.license };
    if (os) entry.os = [os];
    if (cpu) entry.cpu = [cpu];
    if (!os && !cpu) entry.cpu = ['wasm32']; // wasm builds: never chosen over a native binary
    packages[`node_modules/${dep}`] = entry;
    added++;
  }
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile-platforms: added ${added} optional platform entries`);
