'use client';
import { AreaError } from '@/components/ui/area-error';

export default function FinanceError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The finance figures could not be shown" what="Reading the ledger, balances or payments for this page failed." />;
}
