import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { read } from '@/db/index';
import { getMappingCheck } from '@/app/(console)/_lib/mapping';
import { findByIdPrefix, type PrefixConcept } from '@/lib/domain/id-prefix';

const NOUN: Record<PrefixConcept, string> = { users: 'user', payments: 'payment', tasks: 'task' };

/**
 * A detail URL whose id is no key but may be the start of one (/users/9e5266ea): one match redirects to
 * its page, none is "not found", several are listed to choose from.
 */
export async function ByIdPrefix({ concept, prefix }: { concept: PrefixConcept; prefix: string }) {
  const { mapping } = await getMappingCheck();
  const found = await read((trx) => findByIdPrefix(trx, mapping, concept, prefix, 20));
  if (found.ids.length === 0) notFound();
  if (found.ids.length === 1) redirect(`/${concept}/${encodeURIComponent(found.ids[0])}`);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Which {NOUN[concept]}?</h1>
      <p className="text-sm" role="status">
        {found.more ? 'More than 20' : found.ids.length} {NOUN[concept]}s have an id starting with{' '}
        <code className="font-mono">{prefix}</code>. Choose one, or type more of the id.
      </p>
      <ul aria-label={`${NOUN[concept]}s whose id starts with ${prefix}`} className="space-y-1 font-mono text-sm">
        {found.ids.map((id) => (
          <li key={id}><Link href={`/${concept}/${encodeURIComponent(id)}`} className="text-accent underline underline-offset-4">{id}</Link></li>
        ))}
      </ul>
    </>
  );
}
