'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { clsx } from 'clsx';
import { areaOf, type NavArea } from '@/lib/nav';

/** The areas this staff member may open; the current one is marked for assistive technology too. */
export function SidebarNav({ areas }: { areas: NavArea[] }) {
  const current = areaOf(usePathname());
  return (
    <nav aria-label="Areas">
      <ul className="flex gap-1 md:flex-col">
        {areas.map((area) => {
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
    </nav>
  );
}
