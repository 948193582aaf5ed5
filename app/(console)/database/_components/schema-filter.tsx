/**
 * Narrows a list to one schema with a plain GET form: works without JavaScript, and starts again at
 * page 1 because only the schema (and the free-text filter it carries along) is submitted.
 */
export function SchemaFilter({ schemas, value, q, id = 'schema' }: { schemas: string[]; value: string; q: string; id?: string }) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-2">
      <div className="flex flex-col gap-1">
        <label htmlFor={id} className="text-sm font-medium">Schema</label>
        <select
          id={id}
          name="schema"
          defaultValue={value}
          className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-focus"
        >
          <option value="">All schemas</option>
          {schemas.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </div>
      {q ? <input type="hidden" name="q" value={q} /> : null}
      <button
        type="submit"
        className="rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus"
      >
        Show
      </button>
    </form>
  );
}
