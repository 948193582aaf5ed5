'use client';
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

/** The areas this staff member may open, grouped; the current one is marked for assistive technology too. */
export function SidebarNav({ areas }: { areas: NavArea[] }) {
  const current = areaOf(usePathname());
  return (
    <nav aria-label="Areas">
      <ul className="flex flex-wrap gap-1 md:flex-col md:flex-nowrap">
        {sections(areas).map((section) => (
          <li key={section.group ?? section.areas[0].href} className={clsx(section.group && 'md:mt-3')}>
            {section.group ? (
              <p className="hidden px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-ink-muted md:block">{section.group}</p>
            ) : null}
            <ul className="flex gap-1 md:flex-col" aria-label={section.group}>
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
