import type { ReactNode } from 'react';
import type { UserProfile } from '@/lib/domain/users';
import { formatCredits, formatUsd } from '@/lib/money';
import { When } from '@/components/ui/when';

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-ink-muted">{term}</dt>
      <dd className="tabular-nums">{children}</dd>
    </div>
  );
}

function Card({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-line bg-surface p-4">
      <h2 id={id} className="text-sm font-semibold">{title}</h2>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">{children}</dl>
    </section>
  );
}

/** Profile, auth identity, credits and costs: the facts a ticket needs first. */
export function UserFacts({ profile: p }: { profile: UserProfile }) {
  return (
    <div className="grid items-start gap-4 md:grid-cols-2 2xl:grid-cols-4">
      <Card id="fact-profile" title="Profile">
        <Fact term="Status">{p.status ?? '—'}</Fact>
        <Fact term="Tier">{p.tier ?? '—'}</Fact>
        <Fact term="Created"><When at={p.createdAt} /></Fact>
      </Card>
      <Card id="fact-auth" title="Sign-in">
        {p.auth ? (
          <>
            <Fact term="Signed up"><When at={p.auth.signedUpAt} /></Fact>
            <Fact term="Last sign-in"><When at={p.auth.lastSignInAt} /></Fact>
            <Fact term="Providers">{p.auth.providers.join(', ') || '—'}</Fact>
            <Fact term="Confirmed">{p.auth.confirmedAt ? <When at={p.auth.confirmedAt} /> : 'no'}</Fact>
            <Fact term="Banned">{p.auth.banned ? <>until <When at={p.auth.bannedUntil} /></> : 'no'}</Fact>
          </>
        ) : (
          <Fact term="Auth">no auth.users row</Fact>
        )}
      </Card>
      <Card id="fact-credits" title="Credits">
        {p.cachedBalance === null && p.ledgerBalance === null ? (
          <Fact term="Balance">not shown to your role</Fact>
        ) : (
          <>
            <Fact term="Cached balance">{p.cachedBalance === null ? '—' : formatCredits(p.cachedBalance)}</Fact>
            <Fact term="Ledger sum">{p.ledgerBalance === null ? '—' : formatCredits(p.ledgerBalance)}</Fact>
            <Fact term="Difference">
              {p.drift ? <span className="font-semibold text-danger">{formatCredits(p.drift)} (the cache disagrees with the ledger)</span> : 'none'}
            </Fact>
            <Fact term="Given free">{p.givenCredits ?? '—'}</Fact>
          </>
        )}
      </Card>
      <Card id="fact-costs" title="Costs">
        <Fact term="Tasks">{p.tasks ? `${p.tasks.count}, costing ${formatCredits(p.tasks.cost)} credits` : '—'}</Fact>
        <Fact term="API calls">{p.apiCosts ? `${p.apiCosts.calls}, ${formatUsd(p.apiCosts.costUsd)}` : '—'}</Fact>
        {p.apiCosts?.byModel.slice(0, 4).map((m) => (
          <Fact key={`${m.provider}/${m.model}`} term={`${m.provider ?? ''} ${m.model ?? ''}`.trim()}>{`${m.calls} · ${formatUsd(m.costUsd)}`}</Fact>
        ))}
      </Card>
    </div>
  );
}
