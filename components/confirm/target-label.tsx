'use client';
/**
 * A guarded edit's target as staff read it: its kind and name ("payment ORD-1042", "user
 * ada@example.com"), linked to its page where the viewer may open it, the id on hover and a button
 * that copies it. Without a name (an advisor, a database session, a deleted row) the id is the name.
 */
import { useState } from 'react';
import Link from 'next/link';
import { targetKind, type TargetName } from '@/lib/edits/target-key';

export function CopyId({ id, what }: { id: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      title={id}
      aria-label={copied ? `Copied the ${what} id` : `Copy the ${what} id ${id}`}
      onClick={() => {
        void navigator.clipboard?.writeText(id).then(() => setCopied(true), () => undefined);
      }}
      className="rounded px-1 text-xs text-ink-muted hover:text-ink focus-visible:outline-2 focus-visible:outline-focus"
    >
      {copied ? 'copied' : 'copy id'}
    </button>
  );
}

export function TargetLabel({ target, name }: { target: { type: string; id: string }; name?: TargetName }) {
  const kind = targetKind(target.type);
  const label = name?.name ?? target.id;
  const shown = (
    // A name stays whole; a bare id (a bulk edit's "requeue:2:<uuid>") may break, or it widens the audit log.
    <span className={name?.name ? 'whitespace-nowrap' : 'break-all'} title={`${kind} ${target.id}`} data-target-id={target.id}>
      {label}
    </span>
  );
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-1">
      <span className="text-ink-muted">{kind}</span>
      {name?.href ? <Link href={name.href} className="text-accent underline underline-offset-4">{shown}</Link> : shown}
      {name ? <CopyId id={target.id} what={kind} /> : null}
    </span>
  );
}
