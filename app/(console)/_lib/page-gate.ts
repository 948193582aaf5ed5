/**
 * A page's 403 and 404, decided by the console's layout before its loading boundary streams: a status
 * goes out with the first byte, so a forbidden() or notFound() thrown by a page behind loading.tsx
 * answered 200 (uptime checks and scripts read the status). Pages still check for themselves
 * (pageContext, notFound); this only makes the status right, from the same capabilities and lookups.
 */
import 'server-only';
import { forbidden, notFound, redirect } from 'next/navigation';
import { anyRowKey, keyCanHold } from '@/lib/mapping/keys';
import { read } from '@/db/index';
import { isKeyTypeMismatch } from '@/db/errors';
import type { Capability } from '@/lib/auth/permissions';
import type { StaffContext } from '@/lib/auth';
import { urlKeySchema } from '@/lib/domain/payments-common';
import { getPayment } from '@/lib/domain/payments';
import { getUserProfile } from '@/lib/domain/users';
import { getTask } from '@/lib/domain/tasks/list';
import { getTableDetail } from '@/lib/inspect/table-detail';
import { queueContext } from '@/app/(console)/_lib/queue';
import { getMappingCheck, type PageContext } from '@/app/(console)/_lib/context';
import { findByIdPrefix, type PrefixConcept } from '@/lib/domain/id-prefix';

/** The capability each page's pageContext asks for, by path (the most specific first). */
export const PAGE_CAPABILITIES: readonly [RegExp, Capability][] = [
  [/^\/$/, 'overview.read'],
  [/^\/database\/access\/test(\/|$)/, 'security.impersonate'],
  [/^\/database(\/|$)/, 'database.read'],
  [/^\/users(\/|$)/, 'users.read'],
  [/^\/payments(\/|$)/, 'payments.read'],
  [/^\/(tasks|workers)(\/|$)/, 'tasks.read'],
  [/^\/finance(\/|$)/, 'credits.read'],
  [/^\/approvals(\/|$)/, 'approvals.read'],
  [/^\/alerts(\/|$)/, 'alerts.read'],
  [/^\/audit(\/|$)/, 'audit.read'],
  [/^\/staff(\/|$)/, 'staff.manage'],
  [/^\/alerts(\/|$)/, 'alerts.read'],
  [/^\/jobs(\/|$)/, 'jobs.read'],
];

export function pageCapability(pathname: string): Capability | null {
  return PAGE_CAPABILITIES.find(([re]) => re.test(pathname))?.[1] ?? null;
}

const orNull = <T,>(p: Promise<T>) => p.catch((err: unknown) => {
  if (isKeyTypeMismatch(err)) return null; // an integer id on a uuid-keyed product, or the reverse
  throw err;
});

/**
 * Whether the start of an id names rows (resolveIdPrefix): one redirects to its page from here, before
 * the loading boundary streams, so that the answer is an HTTP redirect; several are listed by the page.
 */
async function byPrefix(ctx: PageContext, concept: PrefixConcept, id: string): Promise<boolean | string> {
  if (!anyRowKey.safeParse(id).success) return false;
  const found = await read((trx) => findByIdPrefix(trx, ctx.mapping, concept, id, 1));
  if (found.ids.length === 1 && !found.more) return `/${concept}/${encodeURIComponent(found.ids[0])}`;
  return found.ids.length > 0;
}

/** Detail pages: whether the thing the path names exists (the page's own lookup, by key, then as an id's start). */
/** true: it exists; a string: where the one row an id's start names is. */
const DETAILS: readonly [RegExp, (ctx: PageContext, parts: string[]) => Promise<boolean | string>][] = [
  [/^\/users\/([^/]+)$/, async (ctx, [id]) => (urlKeySchema.safeParse(id).success && !!(await orNull(read((trx) => getUserProfile(trx, ctx, id))))) || byPrefix(ctx, 'users', id)],
  [/^\/payments\/([^/]+)$/, async (ctx, [id]) => (urlKeySchema.safeParse(id).success && !!(await orNull(read((trx) => getPayment(trx, ctx, id))))) || byPrefix(ctx, 'payments', id)],
  [/^\/tasks\/([^/]+)$/, async (ctx, [id]) => {
    if (id === 'queue') return true;
    // Any key the task key's column accepts (an integer, a uuid of any version, text).
    if (!anyRowKey.safeParse(id).success) return false;
    const queue = await queueContext(ctx.check);
    return !queue.ok || (keyCanHold(queue.mapping.tasks!, id) && !!(await orNull(read((trx) => getTask(trx, queue.mapping, id))))) || byPrefix(ctx, 'tasks', id);
  }],
  [/^\/finance\/accounts\/([^/]+)$/, async (_ctx, [id]) => anyRowKey.safeParse(id).success],
  [/^\/database\/tables\/([^/]+)\/([^/]+)$/, async (_ctx, [schema, table]) =>
    schema.length <= 63 && table.length <= 63 && !!(await read((trx) => getTableDetail(trx, schema, table)))],
];

function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** Throws forbidden() or notFound() for the page at `path` (with its query), as its own checks would. */
export async function gatePage(path: string | null, staff: StaffContext | null): Promise<void> {
  if (!path || !staff) return; // signed out: the page's pageContext sends them to /login
  const pathname = path.split('?')[0].replace(/\/+$/, '') || '/';
  const capability = pageCapability(pathname);
  if (capability && !staff.can(capability)) forbidden();
  for (const [re, exists] of DETAILS) {
    const m = re.exec(pathname);
    if (!m) continue;
    const parts = m.slice(1).map(decodePart);
    if (parts.includes(null)) notFound();
    let found: boolean | string;
    try {
      const check = await getMappingCheck();
      found = await exists({ staff, mapping: check.mapping, check }, parts as string[]);
    } catch {
      return; // the database failed: the page reports it (error.tsx), not a 404
    }
    if (typeof found === 'string') redirect(found);
    if (!found) notFound();
    return;
  }
}
