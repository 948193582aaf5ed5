import { AreaLoading } from '@/components/ui/area-loading';

export default function ApprovalsLoading() {
  return <AreaLoading reading="Reading the pending approvals…" />;
}
