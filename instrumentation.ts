/**
 * What starts with each console process (Next calls register() once per server process): the
 * database-unreachable watchdog (lib/alerts/watchdog.ts). Node.js runtime only: it holds a pool and timers.
 */
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next's own variable, read before lib/env.ts may be imported (not on the edge)
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startWatchdog } = await import('@/lib/alerts/watchdog');
  await startWatchdog().catch((err: unknown) => console.error('kontor: the database watchdog did not start:', err));
}
