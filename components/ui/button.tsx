import type { ButtonHTMLAttributes } from 'react';
import { clsx } from 'clsx';

const VARIANTS = {
  primary: 'bg-accent text-on-accent hover:bg-accent/90 border-transparent',
  secondary: 'bg-surface text-ink border-line hover:bg-surface-muted',
  ghost: 'bg-transparent text-ink border-transparent hover:bg-surface-muted',
} as const;

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS };

/** A button with a visible focus ring; defaults to type="button" so it never submits by accident. */
export function Button({ variant = 'primary', className, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={clsx(
        'inline-flex items-center justify-center gap-2 rounded-md border px-3 py-1.5 text-sm font-medium',
        'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus',
        'disabled:cursor-not-allowed disabled:opacity-50',
        VARIANTS[variant],
        className,
      )}
      {...rest}
    />
  );
}
