import type { ReactNode } from 'react';

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
