'use client';
import { AreaError } from '@/components/ui/area-error';

export default function StaffError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The staff list could not be shown" what="Reading Kontor's staff table (kontor.staff) failed." />;
}
