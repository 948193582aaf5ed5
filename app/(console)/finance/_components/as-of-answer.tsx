import Link from 'next/link';
import type { UserPick } from '@/lib/domain/user-pick';
import type { SearchParams } from '@/lib/table-query';
import { formatCredits } from '@/lib/money';
import { formatCount } from '@/lib/format';
import { Notice } from '@/components/ui/notice';
import { When } from '@/components/ui/when';

const BY: Record<'id' | 'prefix' | 'email', string> = { id: 'by id', prefix: 'by the start of its id', email: 'by email' };
const link = 'text-accent underline-offset-2 hover:underline';

/** The statement's URL with another user asked for (the period and the moment kept). */
function withUser(params: SearchParams, id: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v ?? []].flat()) if (k !== 'asof_user') q.append(k, x);
  q.set('asof_user', id);
  return `?${q.toString()}#as-of-title`;
}

/** The balance form's answer: the user it meant (named, with the id), the candidates, or why none. */
export function AsOfAnswer({ pick, balance, moment, params }: {
  pick: UserPick; balance: { balance: string; entries: number } | null; moment: Date; params: SearchParams;
}) {
  if (pick.kind === 'none') return <Notice tone="warn" title="No such user" live>{pick.message}</Notice>;
  if (pick.kind === 'many') {
    return (
      <Notice title={`${pick.users.length}${pick.more ? '+' : ''} users match: which one?`} live>
        <ul className="space-y-1">
          {pick.users.map((u) => (
            <li key={u.id}>
              <Link href={withUser(params, u.id)} className={link}>{u.email ?? u.id}</Link>{' '}
              <span className="break-all font-mono text-xs text-ink-muted">{u.id}</span>
            </li>
          ))}
        </ul>
        {pick.more ? <p className="mt-1 text-ink-muted">More match: type more of the id.</p> : null}
      </Notice>
    );
  }
  const { user } = pick;
  return (
    <div role="status" className="space-y-1 text-sm">
      <p>
        User <strong>{user.email ?? user.id}</strong> <span className="text-ink-muted">(found {BY[pick.by]})</span>{' '}
        <span className="break-all font-mono text-xs text-ink-muted">{user.id}</span>
      </p>
      {balance ? (
        <p>
          Balance at <When at={moment} />: <strong className="tabular-nums">{formatCredits(balance.balance)}</strong> credits,
          from {formatCount(balance.entries)} entries.{' '}
          <Link href={`/finance/accounts/${encodeURIComponent(user.id)}?at=${moment.toISOString().slice(0, 19)}`} className={link}>See the entries</Link>
        </p>
      ) : null}
    </div>
  );
}
