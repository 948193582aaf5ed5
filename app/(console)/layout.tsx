/**
 * The console's chrome: skip link, sidebar, header. No auth decisions of its own (each page calls
 * requireStaff); the staff member is read to show who is signed in and which areas they may open, and
 * gatePage answers a page's 403 or 404 before loading.tsx starts streaming (a status cannot change after).
 * A database that is down, refuses Kontor, or lacks Kontor's schema replaces the console with a page
 * that says so.
 */
import type { ReactNode } from 'react';
import Link from 'next/link';
import { headers } from 'next/headers';
import { PATH_HEADER } from '@/lib/auth/constants';
import { gatePage } from '@/app/(console)/_lib/page-gate';
import { getStaff } from '@/lib/auth';
import { navFor } from '@/lib/nav';
import { getConsoleHealth } from '@/app/(console)/_lib/health';
import { getMappingCheck } from '@/app/(console)/_lib/context';
import { DatabaseProblem } from '@/app/(console)/_components/database-problem';
import { ConsoleHeader } from '@/app/(console)/_components/console-header';
import { SidebarNav } from '@/app/(console)/_components/sidebar-nav';
import { CommandPalette } from '@/app/(console)/_components/command-palette';
import { Notice } from '@/components/ui/notice';
import { EditStatus } from '@/components/confirm/edit-status';

/** The concepts this database has, so the sidebar hides what it cannot show; all areas if unknown. */
async function availableConcepts() {
  try {
    return (await getMappingCheck()).available;
  } catch {
    return undefined; // each page reports a failing read itself
  }
}

async function staffOrNull() {
  try {
    return await getStaff();
  } catch {
    return null; // the page's requireStaff reports the same failure through error.tsx
  }
}

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const health = await getConsoleHealth();
  if (!health.ok) return <DatabaseProblem problem={health} />;
  const [staff, available] = await Promise.all([staffOrNull(), availableConcepts()]);
  await gatePage((await headers()).get(PATH_HEADER), staff);
  const areas = staff ? navFor(staff.role, available) : [];

  return (
    <>
      <a
        href="#main"
        className="sr-only rounded-md bg-accent px-4 py-2 font-medium text-on-accent focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-50"
      >
        Skip to content
      </a>
      <div className="min-h-dvh md:grid md:grid-cols-[13rem_1fr]">
        <div className="relative flex items-center gap-6 border-b border-line bg-surface px-4 py-3 md:block md:space-y-6 md:border-b-0 md:border-r md:py-5">
          <Link href="/" className="block rounded-md px-3 text-lg font-bold tracking-tight">
            Kontor
          </Link>
          {staff ? <SidebarNav areas={areas} /> : null}
          {staff ? <CommandPalette areas={areas} /> : null}
        </div>
        <div className="flex min-w-0 flex-col">
          <ConsoleHeader database={health.database} staff={staff ? { email: staff.email, role: staff.role } : null} />
          <main id="main" tabIndex={-1} className="flex-1 space-y-8 p-4 outline-none md:p-8">
            {health.schema.state === 'ahead' ? (
              <Notice tone="warn" title="This database was migrated by a newer Kontor">
                It has migrations this version does not know ({health.schema.unknown.join(', ')}). Upgrade Kontor
                before changing anything.
              </Notice>
            ) : null}
            {children}
          </main>
          {staff ? <EditStatus /> : null}
        </div>
      </div>
    </>
  );
}
