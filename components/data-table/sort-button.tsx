'use client';
import type { ReactNode } from 'react';
import { clsx } from 'clsx';

type Direction = false | 'asc' | 'desc';

export function ariaSort(direction: Direction): 'ascending' | 'descending' | 'none' {
  return direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none';
}

/** A header that sorts: a real button, so it is focusable and announced; th carries aria-sort. */
export function SortButton(props: {
  direction: Direction;
  align?: 'start' | 'end';
  onClick?: (event: unknown) => void;
  children: ReactNode;
}) {
  const arrow = props.direction === 'asc' ? '▲' : props.direction === 'desc' ? '▼' : '↕';
  return (
    <button
      type="button"
      onClick={props.onClick}
      className={clsx(
        'inline-flex items-center gap-1 rounded uppercase tracking-wide hover:text-ink focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus',
        props.align === 'end' && 'flex-row-reverse',
        props.direction && 'text-ink',
      )}
    >
      {props.children}
      <span aria-hidden="true" className={clsx('text-[0.65rem]', !props.direction && 'opacity-50')}>
        {arrow}
      </span>
    </button>
  );
}
