import type { MappingCheck } from '@/lib/mapping';
import { Notice } from '@/components/ui/notice';

/** Every concept the mapping does not make available, and why: detection's reasons, or the product's own. */
export function MissingConcepts({ check, title = 'Not shown for this database' }: { check: MappingCheck; title?: string }) {
  // Every concept, not only the counted ones: a hidden area (Usage costs, say) is explained here too.
  const missing = check.concepts.filter((c) => !c.available);
  if (!missing.length) return null;
  return (
    <Notice title={title}>
      <ul className="list-inside list-disc space-y-0.5">
        {missing.map((c) => (
          <li key={c.concept}>
            {c.label}: {c.problems.join('; ')}.
          </li>
        ))}
      </ul>
      <p className="mt-2 text-ink-muted">
        The mapping <code>{check.mapping.name}</code> says where Kontor looks for each part of the product.
      </p>
    </Notice>
  );
}
