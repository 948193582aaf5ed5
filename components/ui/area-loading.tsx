/** What an area's loading.tsx shows while its page reads the database: a spinner and what is being read. */
export function AreaLoading({ reading }: { reading: string }) {
  return (
    <div role="status" className="flex items-center gap-3 text-ink-muted">
      <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-line border-t-accent" />
      {reading}
    </div>
  );
}
