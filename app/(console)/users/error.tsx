'use client';
import { AreaError } from '@/components/ui/area-error';

export default function UsersError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="This user could not be shown" what="Reading the product's users (their account, credits, payments or tasks) failed." />;
}
