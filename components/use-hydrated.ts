'use client';
/**
 * False in the server render and until React has hydrated, true after: a form whose submit runs in
 * JavaScript keeps its button disabled until then, so an early click does nothing instead of a native
 * submit that reloads the page.
 */
import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}
