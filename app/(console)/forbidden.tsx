import Link from 'next/link';

export const metadata = { title: 'Not allowed' };

/** Rendered by requireStaff's forbidden(): signed in, but this role lacks the page's capability. */
export default function Forbidden() {
  return (
    <div role="alert" className="max-w-2xl space-y-3 rounded-xl border border-line bg-surface p-6">
      <h1 className="text-xl font-semibold">Your role may not open this page</h1>
      <p>
        Kontor shows each staff member the areas their role allows. If you need this one, ask an admin to change your
        role on the Staff page.
      </p>
      <p>
        <Link href="/" className="font-medium text-accent underline underline-offset-4">
          Go to the overview
        </Link>
      </p>
    </div>
  );
}
