import { ForbiddenMessage } from '@/components/ui/forbidden-message';

export const metadata = { title: 'Not allowed' };

/** The 403 page when the console's layout refuses a page before rendering it (app/(console)/_lib/page-gate.ts). */
export default function Forbidden() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center gap-4 p-8">
      <h1 className="text-2xl font-semibold">Your role may not open this page</h1>
      <ForbiddenMessage bodyClassName="text-ink-muted" />
    </main>
  );
}
