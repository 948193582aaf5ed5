'use client';
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { runReconciliationAction } from '@/app/(console)/finance/actions';

/** Starts a run; the page then shows it (the newest run). */
export function RunButtons() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (mode: 'incremental' | 'full') =>
    start(async () => {
      setError(null);
      const r = await runReconciliationAction(mode);
      if (!r.ok) return setError(r.error);
      router.push(`/finance/reconciliation?run=${r.data.runId}`);
      router.refresh();
    });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => run('incremental')} disabled={pending}>{pending ? 'Reconciling…' : 'Run reconciliation'}</Button>
        <Button variant="secondary" onClick={() => run('full')} disabled={pending}>Full run (whole ledger)</Button>
      </div>
      {error ? <Notice tone="danger" title="The run failed" live>{error}</Notice> : null}
    </div>
  );
}
