/**
 * Runs once as each Next server process starts: on the Node.js runtime, Kontor's schedule (snapshots,
 * reconciliations, health, advisors: lib/schedule) starts in the background; the server does not wait.
 */
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next's own runtime marker (set per bundle), not configuration
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startConsoleSchedule } = await import('@/lib/schedule/start');
  void startConsoleSchedule();
}
