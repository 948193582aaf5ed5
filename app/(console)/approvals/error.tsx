'use client';
import { AreaError } from '@/components/ui/area-error';

export default function ApprovalsError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The approvals could not be shown" what="Reading the edits waiting for a second person's decision failed." />;
}
