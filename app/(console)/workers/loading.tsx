import { AreaLoading } from '@/components/ui/area-loading';

export default function WorkersLoading() {
  return <AreaLoading reading="Reading the workers…" />;
}
