import { ForbiddenMessage } from '@/components/ui/forbidden-message';

export const metadata = { title: 'Not allowed' };

/** Rendered by requireStaff's forbidden(): signed in, but this role lacks the page's capability. */
export default function Forbidden() {
  return (
    <div role="alert" className="max-w-2xl space-y-3 rounded-xl border border-line bg-surface p-6">
      <h1 className="text-xl font-semibold">Your role may not open this page</h1>
      <ForbiddenMessage />
    </div>
  );
}
