import Link from 'next/link';

export const metadata = { title: 'Not allowed' };

/** The 403 page when the console's layout refuses a page before rendering it (app/(console)/_lib/page-gate.ts). */
export default function Forbidden() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center gap-4 p-8">
      <h1 className="text-2xl font-semibold">Your role may not open this page</h1>
      <p className="text-ink-muted">
        Kontor shows each staff member the areas their role allows. If you need this one, ask an admin to change your
        role on the Staff page.
      </p>
      <p>
        <Link href="/" className="font-medium text-accent underline underline-offset-4">
          Go to the overview
        </Link>
      </p>
    </main>
  );
}
