import { AreaLoading } from '@/components/ui/area-loading';

export default function FinanceLoading() {
  return <AreaLoading reading="Reading the ledger and balances…" />;
}
