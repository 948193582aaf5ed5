import type { Metadata } from 'next';
import { read } from '@/db/index';
import { pageContext } from '@/app/(console)/_lib/context';
import { attempt } from '@/app/(console)/_lib/attempt';
import { ReadProblem, Section } from '@/app/(console)/_components/section';
import { listDeliveries, listWebhooks } from '@/lib/alerts/webhooks-read';
import { MAX_ATTEMPTS } from '@/lib/alerts/deliver';
import { AddWebhook } from '@/app/(console)/alerts/webhooks/_components/add-webhook';
import { WebhookList } from '@/app/(console)/alerts/webhooks/_components/webhook-list';
import { DeliveryLog } from '@/app/(console)/alerts/webhooks/_components/delivery-log';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  const ctx = await pageContext('alerts.read');
  const canManage = ctx.staff.can('alerts.manage');
  const [hooks, log] = await Promise.all([
    attempt(() => read((trx) => listWebhooks(trx, ctx))),
    attempt(() => read((trx) => listDeliveries(trx, ctx, { limit: 50 }))),
  ]);
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
        <p className="text-sm text-ink-muted">
          Where Kontor&apos;s alerts go: Slack-compatible JSON, or a JSON body signed with HMAC-SHA256 (the README says how to
          check it). A failed delivery is retried with backoff, {MAX_ATTEMPTS} attempts at most. Secrets are kept on the server:
          this page only says whether one is set.
        </p>
      </div>
      <Section id="webhooks" title="Webhooks">
        {hooks.ok ? <WebhookList hooks={hooks.value} canManage={canManage} /> : <ReadProblem title="Webhooks unavailable" problem={hooks} />}
      </Section>
      {canManage ? (
        <Section id="add" title="Add a webhook" description="A signed webhook needs a secret of 16 characters or more, which its receiver also knows.">
          <AddWebhook />
        </Section>
      ) : null}
      <Section id="deliveries" title="Recent deliveries" description="The newest 50: each alert event for each webhook, with its attempts and next try.">
        {log.ok ? <DeliveryLog rows={log.value} /> : <ReadProblem title="Deliveries unavailable" problem={log} />}
      </Section>
    </>
  );
}
