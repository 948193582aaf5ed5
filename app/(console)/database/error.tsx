'use client';
import { AreaError } from '@/components/ui/area-error';

export default function DatabaseError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The database's catalog could not be shown" what="Reading the catalog or the statistics views (tables, indexes, activity, queries, policies or advisors) failed." />;
}
