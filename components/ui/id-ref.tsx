'use client';
import { useState } from 'react';
import Link from 'next/link';
import { shortId } from '@/lib/format';

/**
 * A row another row refers to: its name where there is one (an email, an order number, a task type),
 * else the first 8 characters of its id (which search and detail URLs take as a prefix); the full id on
 * hover, and a button that copies it. `label` names the link for screen readers and tests ("Account <id>").
 * No `href`: text, not a link (the viewer's role may not open it).
 */
export function IdRef({ id, href, name, noun, label, className }: {
  id: string; href?: string | null; name?: string | null; noun: string; label?: string; className?: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      {href ? (
        <Link href={href} title={id} aria-label={label} className={className ?? 'font-mono text-accent underline underline-offset-4'}>
          {name || shortId(id)}
        </Link>
      ) : <span title={id} aria-label={label} className="font-mono">{name || shortId(id)}</span>}
      <button
        type="button"
        title={copied ? 'Copied' : `Copy the ${noun} id`}
        aria-label={copied ? `Copied the ${noun} id` : `Copy the ${noun} id ${id}`}
        className="rounded px-0.5 text-xs text-ink-muted hover:text-ink focus-visible:outline-2 focus-visible:outline-focus"
        onClick={async () => {
          await navigator.clipboard?.writeText(id);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? <span aria-hidden="true">✓</span> : (
          // Two sheets: the copy sign (an SVG, as not every system font has U+29C9).
          <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12" fill="none" stroke="currentColor" strokeWidth="1.5">
            <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" /><path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" />
          </svg>
        )}
      </button>
    </span>
  );
}
