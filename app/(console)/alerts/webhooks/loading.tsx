import { AreaLoading } from '@/components/ui/area-loading';

export default function WebhooksLoading() {
  return <AreaLoading reading="Reading the webhooks and their deliveries…" />;
}
