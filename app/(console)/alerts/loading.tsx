import { AreaLoading } from '@/components/ui/area-loading';

export default function AlertsLoading() {
  return <AreaLoading reading="Reading the alerts…" />;
}
