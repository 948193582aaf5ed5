'use client';
/** "Run now": the jobs.run guarded edit through the shared confirm dialog; the page follows the run. */
import { useRouter } from 'next/navigation';
import { ConfirmDialog } from '@/components/confirm/confirm-dialog';

export function RunNow({ name, title, busy }: { name: string; title: string; busy: boolean }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      edit="jobs.run"
      label="Run now"
      triggerLabel={`Run ${title} now`}
      variant="secondary"
      title={`Run ${title} now`}
      description={busy
        ? 'A run of this job is waiting or running: the preview says so, and nothing is started twice.'
        : 'One console instance takes the run within seconds; it appears below with its outcome.'}
      input={{ job: name }}
      onDone={() => router.refresh()}
    />
  );
}
