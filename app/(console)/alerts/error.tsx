'use client';
import { AreaError } from '@/components/ui/area-error';

export default function AlertsError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The alerts could not be shown" what="Reading the alert incidents and rules failed." />;
}
