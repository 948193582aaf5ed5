import { CONCEPT_LABELS, type ConceptName } from '@/lib/mapping';
import { Notice } from '@/components/ui/notice';

/** What a finance page shows on a database whose mapping lacks what it needs. */
export function MissingConcepts({ title, missing }: { title: string; missing: ConceptName[] }) {
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <Notice tone="warn" title="Not available for this database">
        This page needs {missing.map((m) => CONCEPT_LABELS[m]).join(' and ')} in the table mapping, and this database has none
        that Kontor can read.
      </Notice>
    </>
  );
}
