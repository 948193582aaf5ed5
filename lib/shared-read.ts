/**
 * Identical reads at the same moment run once. Under load many staff open the same heavy page (the
 * queue, the statement, usage costs) within a second: each used to run the same aggregate on its own
 * pooled connection, and the pool and the database's CPU were where the time went. A read joins one
 * already running for the same key, so it shares an answer computed during its own wait; with `ttlMs`
 * a finished answer is also kept that long (the console's health check only). Callers check the staff
 * member's capability before asking: the key never includes who asks, only what is read.
 */
const inflight = new Map<string, Promise<unknown>>();
const kept = new Map<string, { at: number; value: unknown }>();

export function sharedRead<T>(key: string, read: () => Promise<T>, { ttlMs = 0 }: { ttlMs?: number } = {}): Promise<T> {
  if (ttlMs > 0) {
    const hit = kept.get(key);
    if (hit && performance.now() - hit.at < ttlMs) return Promise.resolve(hit.value as T);
  }
  const running = inflight.get(key);
  if (running) return running as Promise<T>;
  const p = read().then((value) => {
    if (ttlMs > 0) kept.set(key, { at: performance.now(), value });
    return value;
  }).finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

/** Forgets kept answers (a test, or after a change the next page must see). */
export function forgetSharedReads(prefix = ''): void {
  for (const key of kept.keys()) if (key.startsWith(prefix)) kept.delete(key);
}
