'use client';
import { AreaError } from '@/components/ui/area-error';

export default function WorkersError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The workers could not be shown" what="Reading the product's workers and their heartbeats failed." />;
}
