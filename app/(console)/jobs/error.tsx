'use client';
import { AreaError } from '@/components/ui/area-error';

export default function JobsError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The jobs could not be shown" what="Reading the schedule (kontor.jobs and pg-boss's queue) failed." />;
}
