import Link from 'next/link';
import { clsx } from 'clsx';

type Cell = string | { text: string; href: string };

/**
 * A small, complete description of a table's structure (columns, constraints, triggers, a sample):
 * never paged or sorted, so a plain semantic table rather than the data-table shell.
 */
export function StructureTable({ caption, header, rows, empty, mono, captionHidden }: {
  caption: string;
  /** When a heading just above already says what the caption would. */
  captionHidden?: boolean;
  header: string[];
  rows: Cell[][];
  empty?: string;
  mono?: boolean;
}) {
  if (!rows.length) return <p className="text-sm text-ink-muted">{empty ?? 'None.'}</p>;
  return (
    <div role="group" aria-label={caption} tabIndex={0} className="relative overflow-x-auto rounded-lg border border-line bg-surface focus-visible:outline-2 focus-visible:outline-focus">
      <table className="w-full border-collapse text-sm">
        <caption className={clsx('px-4 py-2 text-start font-medium', captionHidden && 'sr-only')}>{caption}</caption>
        <thead className="bg-surface-muted text-xs uppercase tracking-wide text-ink-muted">
          <tr>{header.map((h) => <th key={h} scope="col" className="px-4 py-2 text-start font-semibold">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={clsx('px-4 py-2 align-top', mono ? 'whitespace-nowrap font-mono text-xs' : 'max-w-xl break-words', j === 0 && 'whitespace-nowrap font-mono text-xs')}>
                  {typeof c === 'string' ? c : <Link href={c.href} className="font-mono text-accent hover:underline">{c.text}</Link>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
