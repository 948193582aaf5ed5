import { read } from '@/db/index';
import {
  describeDetection, getHeadlineFigure, HEADLINE_CONCEPTS, type Figure, type HeadlineConcept, type HeadlineFigure,
} from '@/lib/domain/overview';
import { CONCEPT_LABELS, currentMapping } from '@/lib/mapping';
import { Approx } from '@/components/ui/approx';
import { formatCompact, formatCount } from '@/lib/format';
import { attempt, type Attempt } from '@/app/(console)/_lib/attempt';
import type { PageContext } from '@/app/(console)/_lib/context';
import { sharedRead } from '@/lib/shared-read';
import { DetectedMapping } from '@/app/(console)/_components/detected-mapping';
import { MissingConcepts } from '@/app/(console)/_components/missing-concepts';

const UNIT: Record<HeadlineConcept, string> = {
  users: 'users',
  payments: 'payments',
  ledger: 'ledger entries',
  tasks: 'tasks',
  workers: 'workers',
};

function Value({ figure }: { figure: Figure }) {
  return <Approx estimated={figure.estimated}>{figure.estimated ? formatCompact(figure.value) : formatCount(figure.value)}</Approx>;
}

function FigureCard({ concept, result }: { concept: HeadlineConcept; result: Attempt<HeadlineFigure | null> }) {
  const title = CONCEPT_LABELS[concept];
  const headingId = `figure-${concept}`;
  let body: React.ReactNode;
  if (!result.ok) {
    body = <p className="text-sm text-danger">{result.message}</p>;
  } else if (result.value) {
    const f = result.value;
    const total = 'total' in f.count ? f.count.total : f.count;
    body = (
      <>
        <p className="text-2xl font-semibold tabular-nums">
          <Value figure={total} /> <span className="text-base font-normal text-ink-muted">{UNIT[concept]}</span>
        </p>
        {'byStatus' in f.count && f.count.byStatus.length ? (
          <dl className="mt-3 grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
            {f.count.byStatus.map((s) => (
              <div key={s.status} className="contents">
                <dt className="text-ink-muted">{s.label}</dt>
                <dd className="text-end tabular-nums">
                  <Value figure={s} />
                </dd>
              </div>
            ))}
          </dl>
        ) : null}
      </>
    );
  } else {
    return null;
  }
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-line bg-surface p-4">
      <h3 id={headingId} className="text-sm font-medium text-ink-muted">
        {title}
      </h3>
      <div className="mt-1">{body}</div>
    </section>
  );
}

export async function ProductFigures({ ctx }: { ctx: PageContext }) {
  const { staff, check } = ctx;
  const detection = describeDetection(currentMapping().source);
  const shown = HEADLINE_CONCEPTS.filter((c) => check.available.includes(c));
  // Each figure in its own read-only transaction: one slow table does not take the others down.
  const results = await Promise.all(
    // Shared by identical requests at the same moment; the role decides what a figure may show.
    shown.map((c) => attempt(() => sharedRead(`overview-figure:${staff.role}:${c}`, () => read((trx) => getHeadlineFigure(trx, ctx, check, c))))),
  );
  const anyEstimate = results.some((r) => r.ok && r.value && JSON.stringify(r.value).includes('"estimated":true'));
  return (
    <div className="space-y-4">
      {shown.length ? (
        <div className="grid items-start gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {shown.map((c, i) => (
            <FigureCard key={c} concept={c} result={results[i]} />
          ))}
        </div>
      ) : null}
      {anyEstimate ? (
        <p className="text-sm text-ink-muted">≈ estimated from the planner&apos;s statistics: these tables are too large to count on every visit.</p>
      ) : null}
      <DetectedMapping view={detection} />
      <MissingConcepts check={check} title={detection?.kind === 'structure' ? 'Not found by detection' : undefined} />
    </div>
  );
}
