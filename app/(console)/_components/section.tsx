import type { ReactNode } from 'react';
import Link from 'next/link';
import { Notice } from '@/components/ui/notice';
import type { AttemptFailure, SpeedHint } from '@/app/(console)/_lib/attempt';

/** A titled part of a page: a region named by its heading. */
export function Section({ id, title, description, children }: {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-4">
      <div className="space-y-1">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        {description ? <p className="text-sm text-ink-muted">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}

export function SectionSkeleton({ label }: { label: string }) {
  return (
    <div role="status" className="h-24 animate-pulse rounded-lg border border-line bg-surface-muted">
      <span className="sr-only">{label}</span>
    </div>
  );
}

/**
 * A read that failed (attempt()), said where its content would have been: what happened and, when it
 * ran out of time, what would make it fast. The rest of the page stands.
 */
export function ReadProblem({ title, problem }: { title: string; problem: AttemptFailure }) {
  return (
    <Notice tone="warn" title={title}>
      <p>{problem.message}</p>
      {problem.kind === 'timeout' ? <SpeedHints hints={problem.hints} /> : null}
    </Notice>
  );
}

function SpeedHints({ hints }: { hints: SpeedHint[] }) {
  if (!hints.length) return <p className="mt-2">Try again when the database is less busy, or ask for less: a shorter period, a filter.</p>;
  return (
    <div className="mt-2 space-y-1">
      <p className="font-medium">What would make it fast:</p>
      <ul className="list-disc space-y-1 ps-5">
        {hints.map((h) => (h.kind === 'index' ? (
          <li key={h.sql}>
            An index on {h.table}{h.why ? ` (${h.why})` : ''}. Kontor runs no DDL: run{' '}
            <code className="font-mono break-all">{h.sql}</code> yourself.
          </li>
        ) : (
          <li key={h.href}>
            <Link href={h.href} className="text-accent underline underline-offset-4">{h.label}</Link>
          </li>
        )))}
      </ul>
    </div>
  );
}
