/**
 * One HTTP POST to a webhook, with a timeout, and what its outcome means for a retry: a 2xx is
 * delivered; a 5xx, 408, 429, a timeout or a network error is worth another try; any other status
 * (400, 401, 404...) will not change by retrying, so the delivery is given up at once.
 */
import 'server-only';
import type { WebhookRequest } from '@/lib/alerts/webhook-format';

export const SEND_TIMEOUT_MS = 10_000;

export type SendOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string }
  | { kind: 'refused'; status: number; error: string };

export async function postWebhook(url: string, req: WebhookRequest, timeoutMs = SEND_TIMEOUT_MS): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === 'TimeoutError' ? `No answer within ${timeoutMs / 1000} s` : `Network error: ${e.cause?.code ?? e.message}`;
    return { kind: 'retry', status: null, error };
  }
  // The body is not needed; reading a little of it frees the connection and gives the log a hint.
  const text = (await res.text().catch(() => '')).slice(0, 200);
  if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status };
  const error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  if (res.status >= 500 || res.status === 408 || res.status === 429) return { kind: 'retry', status: res.status, error };
  return { kind: 'refused', status: res.status, error };
}
