/**
 * What starts with each console process (Next calls register() once per server process), on the
 * Node.js runtime only (they hold pools and timers):
 * - Kontor's schedule (snapshots, reconciliations, health, advisors, alert checks, webhook delivery:
 *   lib/schedule), in the background: the server does not wait for it;
 * - the database-unreachable watchdog (lib/alerts/watchdog.ts), the one alert that cannot go through
 *   the database.
 */
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next's own runtime marker (set per bundle), read before lib/env.ts may be imported
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ startConsoleSchedule }, { startWatchdog }] = await Promise.all([import('@/lib/schedule/start'), import('@/lib/alerts/watchdog')]);
  void startConsoleSchedule();
  await startWatchdog().catch((err: unknown) => console.error('kontor: the database watchdog did not start:', err));
}
