import { AreaLoading } from '@/components/ui/area-loading';

export default function UsersLoading() {
  return <AreaLoading reading="Reading the users…" />;
}
