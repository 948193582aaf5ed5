import { AreaLoading } from '@/components/ui/area-loading';

export default function JobsLoading() {
  return <AreaLoading reading="Reading the schedule…" />;
}
