'use client';
/**
 * What an area's error.tsx shows: which reading failed, in a sentence about that area, and the digest
 * that finds the error in the server log. Production hides the server's message (it may carry data).
 */
import { Button } from '@/components/ui/button';

export function AreaError({ error, retry, title, what }: { error: unknown; retry: () => void; title: string; what: string }) {
  const digest = (error as { digest?: string } | null)?.digest;
  return (
    <div role="alert" className="max-w-2xl space-y-4 rounded-xl border border-danger/40 bg-surface p-6">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p>
        {what} Trying again often helps when the database was briefly busy; if it keeps failing, give the reference
        below to whoever runs Kontor.
      </p>
      {digest ? (
        <p className="text-sm text-ink-muted">
          Reference for the server log: <code>{digest}</code>
        </p>
      ) : null}
      <Button onClick={() => retry()}>Try again</Button>
    </div>
  );
}
