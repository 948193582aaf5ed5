import { AreaLoading } from '@/components/ui/area-loading';

export default function PaymentsLoading() {
  return <AreaLoading reading="Reading the payments…" />;
}
