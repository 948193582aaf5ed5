import { AreaLoading } from '@/components/ui/area-loading';

export default function StaffLoading() {
  return <AreaLoading reading="Reading the staff list…" />;
}
