'use client';
import { AreaError } from '@/components/ui/area-error';

export default function AuditError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The audit log could not be shown" what="Reading Kontor's audit log (kontor.audit_log) failed." />;
}
