import Link from 'next/link';

export const metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center gap-4 p-8">
      <h1 className="text-2xl font-semibold">This page does not exist</h1>
      <p className="text-ink-muted">The address may be mistyped, or the area is not part of this version of Kontor.</p>
      <p>
        <Link href="/" className="font-medium text-accent underline underline-offset-4">
          Go to the overview
        </Link>
      </p>
    </main>
  );
}
