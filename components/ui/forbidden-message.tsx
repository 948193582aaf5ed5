import Link from 'next/link';

/** What a refused page says, inside the console's chrome or on a page of its own. */
export function ForbiddenMessage({ bodyClassName }: { bodyClassName?: string }) {
  return (
    <>
      <p className={bodyClassName}>
        Kontor shows each staff member the areas their role allows. If you need this one, ask an admin to change your
        role on the Staff page.
      </p>
      <p>
        <Link href="/" className="font-medium text-accent underline underline-offset-4">
          Go to the overview
        </Link>
      </p>
    </>
  );
}
