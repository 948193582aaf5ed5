/**
 * Where to go after sign-in. `next` comes from the URL, so it is attacker-controlled: only a path on
 * this site is accepted (no scheme, no `//host`, no `/\host`, which browsers read as `//host`).
 */
const BASE = 'http://kontor.invalid';

export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  // Control characters (tab, newline) are stripped by URL parsers and can turn `/\t/host` into `//host`.
  if (/[\u0000-\u001f\u007f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return fallback;
  return path;
}

export function loginPath(next?: string | null): string {
  const target = next ? safeNextPath(next, '') : '';
  return target && target !== '/' ? `/login?next=${encodeURIComponent(target)}` : '/login';
}
