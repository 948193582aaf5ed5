import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { read } from '@/db/index';
import type { ReadContext } from '@/lib/context';
import { findByIdPrefix, type PrefixConcept, type PrefixMatches } from '@/lib/domain/id-prefix';

const NOUN: Record<PrefixConcept, string> = { users: 'user', payments: 'payment', tasks: 'task' };

/**
 * A detail URL whose id is no key but may be the start of one (/users/9e5266ea): one match redirects to
 * its page, none is "not found", several are listed to choose from (the page renders WhichId). Called
 * by the page itself, before it renders anything, so that the redirect is an HTTP one.
 */
export async function resolveIdPrefix({ mapping }: ReadContext, concept: PrefixConcept, prefix: string): Promise<PrefixMatches> {
  const found = await read((trx) => findByIdPrefix(trx, mapping, concept, prefix, 20));
  if (found.ids.length === 0) notFound();
  if (found.ids.length === 1) redirect(`/${concept}/${encodeURIComponent(found.ids[0])}`);
  return found;
}

/** The rows whose id starts with the prefix, to choose from. */
export function WhichId({ concept, prefix, found }: { concept: PrefixConcept; prefix: string; found: PrefixMatches }) {
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
