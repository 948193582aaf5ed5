/**
 * The Content-Security-Policy, with a fresh nonce per request (proxy.ts), which Next reads from the
 * request's CSP header and puts on its own inline scripts. The static security headers are in
 * next.config.ts. Kept apart so that proxy.ts imports nothing heavier.
 */
/** A nonce for one response's scripts. */
export function newNonce(): string {
  return btoa(crypto.randomUUID());
}

/**
 * Scripts only from this origin's bundles and the nonce's inline ones; styles from this origin (and
 * inline style attributes, which React writes); no framing, plugins, foreign forms or base URL.
 * Development also needs 'unsafe-eval' (React rebuilds server stacks with eval there).
 */
export function contentSecurityPolicy(nonce: string, { dev = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
