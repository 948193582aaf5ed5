'use client';
import { useId } from 'react';
import { Button } from '@/components/ui/button';

/** Free-text filter: submitted (Enter or the button), not sent per keystroke. */
export function DataTableFilter(props: { label: string; value: string; onSubmit: (q: string) => void }) {
  const id = useId();
  return (
    <form
      role="search"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(String(new FormData(e.currentTarget).get('q') ?? '').trim());
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor={id} className="text-sm font-medium">
          {props.label}
        </label>
        <input
          id={id}
          name="q"
          type="search"
          defaultValue={props.value}
          key={props.value}
          className="w-64 rounded-md border border-line bg-surface px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-focus"
        />
      </div>
      <Button type="submit" variant="secondary">
        Filter
      </Button>
    </form>
  );
}
