'use client';
import { AreaError } from '@/components/ui/area-error';

export default function TasksError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The task queue could not be shown" what="Reading the product's tasks, queue health or workers failed." />;
}
