'use client';
import { useState } from 'react';
import { clsx } from 'clsx';
import { Button } from '@/components/ui/button';

/**
 * SQL for a person to review and run themselves (Kontor runs no DDL), with a copy button. `wrap` breaks
 * long lines (in a table cell) instead of scrolling them.
 */
export function CopySql({ sql, label, wrap = false }: { sql: string; label: string; wrap?: boolean }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-start gap-2">
      <pre
        tabIndex={0}
        className={clsx(
          'focus-visible:outline-2 focus-visible:outline-focus min-w-0 flex-1 overflow-x-auto rounded-md border border-line bg-surface-muted px-3 py-2 font-mono text-xs',
          wrap && 'whitespace-pre-wrap break-words',
        )}
      >
        <code>{sql}</code>
      </pre>
      <Button
        variant="secondary"
        aria-label={`Copy the SQL: ${label}`}
        onClick={async () => {
          await navigator.clipboard?.writeText(sql);
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}
