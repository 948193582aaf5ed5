'use client';
/**
 * Live data for pages people watch (activity, the queue, workers): re-renders the page's server
 * components every few seconds with router.refresh(), which keeps client state (an open dialog, a typed
 * reason, the scroll position). Visible and pausable; it also holds while the tab is hidden, a dialog is
 * open or a form field has focus, so nothing moves under someone who is acting on what they see.
 */
import { useEffect, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';

type Hold = 'paused' | 'hidden' | 'dialog' | 'editing' | null;

/** Why a refresh now would disturb the user, if it would. */
function holdNow(paused: boolean): Hold {
  if (paused) return 'paused';
  if (document.visibilityState === 'hidden') return 'hidden';
  if (document.querySelector('dialog[open], [role="dialog"]:not([hidden])')) return 'dialog';
  const focused = document.activeElement;
  if (focused?.closest('form') && focused.matches('input, textarea, select')) return 'editing';
  return null;
}

const HOLD_TEXT: Record<Exclude<Hold, null>, string> = {
  paused: 'Paused',
  hidden: 'Paused while the tab is hidden',
  dialog: 'Paused while a dialog is open',
  editing: 'Paused while you edit a form',
};

const timeOf = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function AutoRefresh({ seconds = 5 }: { seconds?: number }) {
  const router = useRouter();
  const [paused, setPaused] = useState(false);
  const [hold, setHold] = useState<Hold>(null);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    const tick = () => {
      const why = holdNow(paused);
      setHold(why);
      if (why) return;
      startTransition(() => router.refresh());
      setRefreshedAt(new Date());
    };
    const timer = setInterval(tick, seconds * 1000);
    // Back from a hidden tab: catch up at once rather than one interval later.
    const onVisible = () => { if (document.visibilityState === 'visible') tick(); else setHold('hidden'); };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [paused, seconds, router]);

  const shown = paused ? 'paused' : hold;
  return (
    <div role="group" aria-label="Auto-refresh" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-ink-muted">
      <p>
        {/* Announced when it changes (paused, resumed), not on every tick. */}
        <span aria-live="polite">{shown ? HOLD_TEXT[shown] : `Refreshing every ${seconds} s`}</span>
        {refreshedAt ? <span>{pending ? ', refreshing…' : `, updated ${timeOf(refreshedAt)}`}</span> : null}
      </p>
      <Button variant="secondary" onClick={() => { setPaused((p) => !p); setHold(null); }}>
        {paused ? 'Resume' : 'Pause'}
      </Button>
    </div>
  );
}
