'use client';
import { useEffect, useId, useRef, useState } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { clsx } from 'clsx';
import { areaOf, type NavArea } from '@/lib/nav';

/** Consecutive areas of one group (e.g. "Database") under its heading; ungrouped areas alone. */
function sections(areas: NavArea[]): { group?: string; areas: NavArea[] }[] {
  const out: { group?: string; areas: NavArea[] }[] = [];
  for (const area of areas) {
    const last = out.at(-1);
    if (last && area.group && last.group === area.group) last.areas.push(area);
    else out.push({ group: area.group, areas: [area] });
  }
  return out;
}

/**
 * The areas this staff member may open, grouped; the current one is marked for assistive technology too.
 * Below the md breakpoint the list is a disclosure behind a "Menu" button (closed after navigating or on
 * Escape); from md up it is the always-open sidebar.
 */
export function SidebarNav({ areas }: { areas: NavArea[] }) {
  const pathname = usePathname();
  const current = areaOf(pathname);
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    // A link was followed: the phone menu closes (state adjusted during render, not in an effect).
    setShownFor(pathname);
    setOpen(false);
  }
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      // Focus was in the closing list: give it back to the button rather than to the page's start.
      if (document.activeElement?.closest(`[id="${listId}"]`)) button.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, listId]);

  return (
    <nav aria-label="Areas" className="ms-auto md:ms-0">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-2 rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted focus-visible:outline-2 focus-visible:outline-focus md:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
          {open ? <path d="M3 3l10 10M13 3L3 13" /> : <path d="M2 4h12M2 8h12M2 12h12" />}
        </svg>
        Menu
      </button>
      <ul
        id={listId}
        className={clsx(
          // Phone: a panel under the top bar, over the page; md up: the sidebar's column.
          'absolute inset-x-0 top-full z-40 max-h-[calc(100dvh-4rem)] flex-col gap-1 overflow-y-auto border-b border-line bg-surface px-4 pb-4 shadow-lg',
          'md:static md:flex md:max-h-none md:overflow-visible md:border-0 md:p-0 md:shadow-none',
          open ? 'flex' : 'hidden',
        )}
      >
        {sections(areas).map((section) => (
          <li key={section.group ?? section.areas[0].href} className={clsx(section.group && 'mt-3')}>
            {section.group ? (
              <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-ink-muted">{section.group}</p>
            ) : null}
            <ul className="flex flex-col gap-1" aria-label={section.group}>
              {section.areas.map((area) => {
                const active = current?.href === area.href;
                return (
                  <li key={area.href}>
                    <Link
                      href={area.href}
                      aria-current={active ? 'page' : undefined}
                      className={clsx(
                        'block rounded-md px-3 py-2 text-sm font-medium',
                        active ? 'bg-accent text-on-accent' : 'text-ink hover:bg-surface-muted',
                      )}
                    >
                      {area.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </nav>
  );
}
