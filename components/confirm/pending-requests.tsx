/**
 * Requests waiting for a second person, where the row they would change is shown: who asked, when,
 * and a link to Approvals. Plain markup (no state): the payment and user pages render it on the server,
 * ConfirmDialog inside the dialog.
 */
import Link from 'next/link';
import { Notice } from '@/components/ui/notice';
import { When } from '@/components/ui/when';
import { EDIT_CATALOG, isEditName } from '@/lib/edits/catalog';
import type { PendingRequest } from '@/lib/guard/pending';

const labelOf = (edit: string) => (isEditName(edit) ? EDIT_CATALOG[edit].label : edit);

function Filed({ request }: { request: PendingRequest }) {
  return (
    <>
      request <span className="whitespace-nowrap">#{request.id}</span>, filed by{' '}
      <span className="whitespace-nowrap">{request.requestedEmail}</span> on <When at={request.createdAt} className="whitespace-nowrap" />
    </>
  );
}

/** One request, in a sentence: "<what> is waiting for approval: request #45, filed by … on …". */
export function PendingRequestNote({ request, what, tone = 'info' }: { request: PendingRequest; what: string; tone?: 'info' | 'warn' }) {
  return (
    <Notice tone={tone} title="Waiting for approval">
      {what} is waiting for approval: <Filed request={request} />. Another one cannot be filed until it is decided on{' '}
      <Link href="/approvals" className="text-accent underline underline-offset-4">Approvals</Link>.
    </Notice>
  );
}

/** Every pending request of a page's row, or nothing. */
export function PendingRequests({ requests }: { requests: readonly PendingRequest[] }) {
  if (requests.length === 0) return null;
  return (
    <Notice title={requests.length === 1 ? 'A request is waiting for approval' : `${requests.length} requests are waiting for approval`}>
      <ul className="space-y-1">
        {requests.map((r) => (
          <li key={r.id}>
            To {labelOf(r.edit)}: <Filed request={r} />.
          </li>
        ))}
      </ul>
      <p className="mt-1">
        They are decided on <Link href="/approvals" className="text-accent underline underline-offset-4">Approvals</Link>; until then the same edit cannot be requested again.
      </p>
    </Notice>
  );
}
