'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

/** A fix to review and run yourself (Kontor runs no DDL), with a copy button. */
export function SqlBlock({ sql, label }: { sql: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-start gap-2">
      <pre tabIndex={0} className="focus-visible:outline-2 focus-visible:outline-focus min-w-0 flex-1 overflow-x-auto whitespace-pre-wrap break-words rounded-md border border-line bg-surface-muted px-3 py-2 font-mono text-xs">
        <code>{sql}</code>
      </pre>
      <Button
        variant="secondary"
        aria-label={`Copy the SQL for ${label}`}
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
