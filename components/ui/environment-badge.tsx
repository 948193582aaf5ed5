import { clsx } from 'clsx';

export type EnvironmentName = 'local' | 'development' | 'staging' | 'production';

const STYLES: Record<EnvironmentName, string> = {
  local: 'border-line bg-surface-muted text-ink',
  development: 'border-transparent bg-emerald-700 text-white dark:bg-emerald-300 dark:text-emerald-950',
  staging: 'border-transparent bg-amber-300 text-amber-950',
  production: 'border-transparent bg-red-700 text-white dark:bg-red-400 dark:text-red-950',
};

/** Which environment this console works on; production is red so nobody mistakes it. */
export function EnvironmentBadge({ name }: { name: EnvironmentName }) {
  return (
    <span
      className={clsx(
        'inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide',
        STYLES[name],
      )}
    >
      <span className="sr-only">Environment: </span>
      {name}
    </span>
  );
}
