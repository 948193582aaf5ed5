import { AreaLoading } from '@/components/ui/area-loading';

export default function TasksLoading() {
  return <AreaLoading reading="Reading the task queue…" />;
}
