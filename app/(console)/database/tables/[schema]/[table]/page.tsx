import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { catalogContext } from '@/app/(console)/_lib/context';
import { parseTableQuery, type SearchParams } from '@/lib/table-query';
import { formatBytes, formatCompact, formatCount, formatRatio, formatWhen } from '@/lib/format';
import { tableHrefOf } from '@/app/(console)/database/_components/table-href';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { Section } from '@/app/(console)/_components/section';
import { StatCard } from '@/app/(console)/_components/stat-card';
import { INDEXES_SPEC, loadTableDetailPage } from '@/app/(console)/database/_lib/loaders';
import { IndexesTable } from '@/app/(console)/database/indexes/_components/indexes-table';
import { HistoryChart } from '@/app/(console)/database/_components/history-chart';
import { CopySql } from '@/components/ui/copy-sql';
import { StructureTable } from '@/app/(console)/database/tables/_components/structure-table';

// Postgres names are at most 63 bytes; anything else cannot name a table.
const name = z.string().min(1).max(63);
type Params = Promise<{ schema: string; table: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const p = await params;
  return { title: `${decodeURIComponent(p.schema)}.${decodeURIComponent(p.table)}` };
}

export default async function TableDetailPage({ params, searchParams }: { params: Params; searchParams: Promise<SearchParams> }) {
  await catalogContext('database.read');
  const p = await params;
  const schema = name.safeParse(decodeURIComponent(p.schema));
  const table = name.safeParse(decodeURIComponent(p.table));
  if (!schema.success || !table.success) notFound();
  const sp = await searchParams;
  const result = await attempt(() => loadTableDetailPage(schema.data, table.data, { exact: sp.count === 'exact' }));
  const title = `${schema.data}.${table.data}`;
  if (!result.ok) {
    return (
      <>
        <h1 className="font-mono text-2xl font-semibold tracking-tight">{title}</h1>
        <Notice tone="warn" title="This table could not be read">{result.message}</Notice>
      </>
    );
  }
  if (!result.value) notFound();
  const { detail: t, indexes, foreignKeys, history, sample, exact, stats } = result.value;
  const ixQuery = parseTableQuery({}, { ...INDEXES_SPEC, prefix: 'ix_', pageSizes: [500] });
  return (
    <>
      <div className="space-y-1">
        <p className="text-sm"><Link href="/database/tables" className="text-accent hover:underline">Tables</Link> /</p>
        <h1 className="font-mono text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="text-sm text-ink-muted">
          {t.kind}; row level security {t.rls ? (t.forceRls ? 'on (forced for the owner too)' : 'on') : 'off'}
          {t.comment ? ` — ${t.comment}` : ''}
        </p>
        <p className="text-sm"><Link href={`${tableHrefOf(schema.data, table.data)}/rows`} className="text-accent hover:underline">Browse rows</Link></p>
      </div>

      {stats ? (
        <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <StatCard label="Total size" value={formatBytes(stats.totalBytes)} hint={`table ${formatBytes(stats.tableBytes)}, indexes ${formatBytes(stats.indexBytes)}, TOAST ${formatBytes(stats.toastBytes)}`} />
          <StatCard
            label="Rows"
            value={exact !== null ? formatCount(exact) : stats.estimatedRows === null ? 'not analysed' : `≈ ${formatCompact(stats.estimatedRows)}`}
            hint={exact !== null ? 'exact, counted just now' : <Link href="?count=exact" className="text-accent hover:underline">Count exactly</Link>}
          />
          <StatCard label="Dead tuples" value={formatCompact(stats.deadTuples)} hint={`last vacuum ${formatWhen(stats.lastAutovacuum ?? stats.lastVacuum, 'never')}`} />
          <StatCard label="Index scans" value={formatRatio(stats.idxShare)} hint={`${formatCount(stats.idxScans)} index, ${formatCount(stats.seqScans)} sequential`} />
        </dl>
      ) : null}

      <Section id="columns" title="Columns">
        <StructureTable
          caption="Columns" captionHidden
          header={['Column', 'Type', 'Nullable', 'Default']}
          rows={t.columns.map((c) => [c.name + (c.secret ? ' (masked in samples)' : ''), c.type, c.nullable ? 'yes' : 'no', c.default ?? ''])}
        />
      </Section>

      <Section id="constraints" title="Constraints and foreign keys">
        <StructureTable
          caption="Constraints" captionHidden
          header={['Constraint', 'Kind', 'Definition']}
          rows={t.constraints.map((c) => [c.name, c.kind + (c.validated ? '' : ' (NOT VALID)'), c.definition])}
          empty="No constraints."
        />
        <StructureTable
          caption="Foreign keys from this table"
          header={['Constraint', 'References', 'Definition']}
          rows={t.references.map((f) => [f.name, { text: `${f.schema}.${f.table}`, href: tableHrefOf(f.schema, f.table) }, f.definition])}
          empty="This table references no other."
        />
        <StructureTable
          caption="Foreign keys to this table"
          header={['Constraint', 'From', 'Definition']}
          rows={t.referencedBy.map((f) => [f.name, { text: `${f.schema}.${f.table}`, href: tableHrefOf(f.schema, f.table) }, f.definition])}
          empty="No other table references this one."
        />
        {foreignKeys.map((f) => (
          <div key={f.constraint} className="space-y-2">
            <Notice tone="warn" title={`Foreign key ${f.constraint} has no index`}>
              Deleting a row of {f.references} scans this whole table.
            </Notice>
            <CopySql sql={f.fix} label={`index for ${f.constraint}`} />
          </div>
        ))}
      </Section>

      <Section id="indexes" title="Indexes" description={<Link href={`/database/indexes?q=${encodeURIComponent(title)}`} className="text-accent hover:underline">Open in the Indexes page</Link>}>
        <IndexesTable rows={indexes.map((r) => ({ ...r, idleDays: null }))} total={indexes.length} query={ixQuery} sortable={[]} prefix="ix_" filter={false} caption={`Indexes of ${title}`} />
      </Section>

      <Section id="triggers" title="Triggers">
        <StructureTable caption="Triggers" captionHidden header={['Trigger', 'Enabled', 'Definition']} rows={t.triggers.map((g) => [g.name, g.enabled ? 'yes' : 'no', g.definition])} empty="No triggers." />
      </Section>

      <Section id="policies" title="Policies" description={<Link href="/database/policies" className="text-accent hover:underline">Row level security across all tables</Link>}>
        <StructureTable
          caption="Policies" captionHidden
          header={['Policy', 'Command', 'Roles', 'Kind', 'USING', 'WITH CHECK']}
          rows={t.policies.map((x) => [x.name, x.command, x.roles.join(', '), x.permissive ? 'permissive' : 'restrictive', x.using ?? '', x.check ?? ''])}
          empty={t.rls ? 'RLS is on and no policy exists: only roles that bypass RLS see any row.' : 'No policies.'}
        />
      </Section>

      <Section id="history" title="Size and rows over time" description="From Kontor's snapshots.">
        <div className="grid gap-4 lg:grid-cols-2">
          <HistoryChart title="Total size" points={history.totalBytes} format={formatBytes} />
          <HistoryChart title="Rows (estimated)" points={history.rows} format={formatCompact} />
          {history.indexScans.slice(0, 6).map((i) => (
            <HistoryChart key={i.index} title={`Scans of ${i.index} between snapshots`} points={i.points} format={formatCompact} />
          ))}
        </div>
      </Section>

      <Section id="sample" title="Sample rows" description={`The first ${sample.rows.length} rows Postgres returns, read-only. Columns that look secret are masked before they leave the database.`}>
        <StructureTable caption="Sample rows" captionHidden header={sample.columns} rows={sample.rows.map((r) => r.map((v) => v ?? 'null'))} empty="The table is empty." mono />
      </Section>
    </>
  );
}
