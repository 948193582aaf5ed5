'use client';
import { AreaError } from '@/components/ui/area-error';

export default function ConsoleError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="This page could not be shown" what="Something went wrong while reading it." />;
}
