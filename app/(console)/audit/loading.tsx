import { AreaLoading } from '@/components/ui/area-loading';

export default function AuditLoading() {
  return <AreaLoading reading="Reading the audit log…" />;
}
