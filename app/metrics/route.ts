/**
 * Prometheus scrape endpoint. Readable with `Authorization: Bearer $KONTOR_METRICS_TOKEN` and by no
 * one else (no token configured: no one). Not a staff page: proxy.ts lets it through without a
 * session, and this handler is its only guard.
 */
import { read } from '@/db/index';
import { env } from '@/lib/env';
import { resolveActiveMapping, validateMapping } from '@/lib/mapping';
import { queueNow } from '@/lib/domain/tasks/model';
import { bearerMatches, collectMetrics, formatMetrics } from '@/lib/domain/tasks/metrics';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  if (!bearerMatches(request.headers.get('authorization'), env.KONTOR_METRICS_TOKEN)) {
    return new Response('Unauthorized: send Authorization: Bearer <KONTOR_METRICS_TOKEN>.\n', {
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="kontor-metrics"', 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  try {
    const body = await read(async (trx) => {
      const check = await validateMapping(trx, (await resolveActiveMapping(trx)).mapping);
      return formatMetrics(await collectMetrics(trx, check.mapping, { now: await queueNow(trx) }));
    });
    return new Response(body, { headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' } });
  } catch (err) {
    console.error('[kontor] /metrics failed', err);
    return new Response('# the database could not be read\n', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
}
