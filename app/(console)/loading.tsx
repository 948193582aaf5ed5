export default function Loading() {
  return (
    <div role="status" className="flex items-center gap-3 text-ink-muted">
      <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-line border-t-accent" />
      Reading the database…
    </div>
  );
}
