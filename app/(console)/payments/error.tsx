'use client';
import { AreaError } from '@/components/ui/area-error';

export default function PaymentsError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The payments could not be shown" what="Reading the product's payments and refunds failed." />;
}
