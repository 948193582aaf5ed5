'use client';
import { AreaError } from '@/components/ui/area-error';

export default function WebhooksError(props: { error: unknown; retry: () => void }) {
  return <AreaError {...props} title="The webhooks could not be shown" what="Reading Kontor's webhooks (kontor.webhooks, kontor.alert_deliveries) failed." />;
}
