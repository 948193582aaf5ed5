import type { ReactNode } from 'react';
import { clsx } from 'clsx';

const TONES = {
  info: 'border-line bg-surface-muted text-ink',
  warn: 'border-warn/40 bg-warn-surface text-ink',
  danger: 'border-danger/40 bg-danger-surface text-ink',
} as const;

/** A short message in the flow of a page (not a toast). `live` announces it when it appears. */
export function Notice({ tone = 'info', title, children, className, live }: {
  tone?: keyof typeof TONES;
  title?: string;
  children: ReactNode;
  className?: string;
  live?: boolean;
}) {
  return (
    <div role={live ? (tone === 'danger' ? 'alert' : 'status') : undefined} className={clsx('rounded-lg border px-4 py-3 text-sm', TONES[tone], className)}>
      {title ? <p className="font-semibold">{title}</p> : null}
      <div className={clsx(title && 'mt-1')}>{children}</div>
    </div>
  );
}
