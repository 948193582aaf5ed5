import { AreaLoading } from '@/components/ui/area-loading';

export default function Loading() {
  return <AreaLoading reading="Reading the database…" />;
}
