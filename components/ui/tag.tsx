import type { ReactNode } from 'react';
import { clsx } from 'clsx';

const TONES = {
  ok: 'border-line bg-surface-muted text-ink',
  muted: 'border-line bg-surface text-ink-muted',
  warn: 'border-warn/50 bg-warn-surface text-ink',
  danger: 'border-danger/50 bg-danger-surface text-ink font-semibold',
} as const;

/** A short label (RLS on, permissive, denied). The text says it; the colour only repeats it. */
export function Tag({ tone, children }: { tone: keyof typeof TONES; children: ReactNode }) {
  return <span className={clsx('inline-block rounded border px-1.5 py-0.5 text-xs', TONES[tone])}>{children}</span>;
}
