'use client';
/**
 * The console's status line for guarded edits: "Refunded $12.00 – audit #123", "Filed for approval –
 * request #45". ConfirmDialog announces the outcome here, not in itself: the control that opened the
 * dialog may be gone from the refreshed page (a granted payment has no Grant button), and the message
 * must outlive that. Rendered once by the console layout, so the live region exists before it speaks;
 * it stays until dismissed or until staff go to another page.
 */
import { useEffect, useSyncExternalStore } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { EditOutcome } from '@/lib/edits/outcome';

interface Announcement extends EditOutcome {
  path: string;
  seq: number;
}

let current: Announcement | null = null;
let seq = 0;
const listeners = new Set<() => void>();

function set(next: Announcement | null) {
  current = next;
  for (const l of listeners) l();
}

/** Shows an edit's outcome in the status line (replacing the previous one). */
export function announceEdit(outcome: EditOutcome) {
  set({ ...outcome, path: window.location.pathname, seq: ++seq });
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function EditStatus() {
  const shown = useSyncExternalStore(subscribe, () => current, () => null);
  const pathname = usePathname();
  useEffect(() => {
    if (current && current.path !== pathname) set(null);
  }, [pathname]);
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-4 bottom-4 z-40 flex justify-center sm:justify-end">
      {shown ? (
        <div
          key={shown.seq}
          className="pointer-events-auto flex max-w-md items-start gap-3 rounded-lg border border-line bg-surface px-4 py-3 text-sm text-ink shadow-lg"
        >
          <p>
            <span className="font-medium">{shown.message}</span>{' '}
            <span className="whitespace-nowrap">
              –{' '}
              <Link href={shown.link.href} className="text-accent underline underline-offset-4">{shown.link.label}</Link>
            </span>
          </p>
          <button
            type="button"
            onClick={() => set(null)}
            aria-label="Dismiss"
            className="rounded px-1 text-ink-muted hover:text-ink focus-visible:outline-2 focus-visible:outline-focus"
          >
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
