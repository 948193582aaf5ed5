import { AreaLoading } from '@/components/ui/area-loading';

export default function DatabaseLoading() {
  return <AreaLoading reading="Reading the catalog and statistics…" />;
}
