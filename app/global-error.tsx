'use client';
// Replaces the root layout when it fails, so it brings its own document and cannot rely on globals.css.

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = (error as { digest?: string } | null)?.digest;
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: 0, colorScheme: 'light dark' }}>
        <title>Kontor: something went wrong</title>
        <main style={{ maxWidth: '36rem', margin: '15vh auto', padding: '0 1.5rem', lineHeight: 1.5 }}>
          <h1 style={{ fontSize: '1.5rem' }}>Kontor could not show this page</h1>
          <p>Something failed before the console could start. Try again; if it keeps happening, the server log has the details.</p>
          {digest ? (
            <p>
              Reference for the server log: <code>{digest}</code>
            </p>
          ) : null}
          <button type="button" onClick={() => retry()} style={{ font: 'inherit', padding: '0.4rem 0.9rem' }}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
