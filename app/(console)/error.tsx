'use client';
/**
 * A page of the console failed. Production hides the server's message (it may carry data), so this
 * says what can be done and shows the digest that finds the error in the server log.
 */
import { Button } from '@/components/ui/button';

export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = (error as { digest?: string } | null)?.digest;
  return (
    <div role="alert" className="max-w-2xl space-y-4 rounded-xl border border-danger/40 bg-surface p-6">
      <h1 className="text-xl font-semibold">This page could not be shown</h1>
      <p>
        Something went wrong while reading it. Trying again often helps when the database was briefly busy; if it keeps
        failing, give the reference below to whoever runs Kontor.
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
