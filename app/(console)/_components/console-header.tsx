import { EnvironmentBadge } from '@/components/ui/environment-badge';
import { Button } from '@/components/ui/button';
import type { DatabaseLabel } from '@/app/(console)/_lib/health';
import { signOutAction } from '@/app/(auth)/logout/actions';

export interface StaffBadge {
  email: string;
  role: string;
}

/** Which database (never its password), which environment, who is signed in. */
export function ConsoleHeader({ database, staff }: { database: DatabaseLabel; staff: StaffBadge | null }) {
  return (
    <header className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 border-b border-line bg-surface px-4 py-3 md:px-6">
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <EnvironmentBadge name={database.environment} />
        <p className="min-w-0 truncate">
          <span className="text-ink-muted">Database </span>
          <span className="font-mono font-medium">{database.name}</span>
          <span className="text-ink-muted"> on </span>
          <span className="font-mono">{database.host}</span>
          {database.embedded ? <span className="text-ink-muted"> (embedded demo)</span> : null}
        </p>
      </div>
      {staff ? (
        <div className="flex items-center gap-3 text-sm">
          <p className="text-end leading-tight">
            <span className="sr-only">Signed in as </span>
            <span className="block font-medium">{staff.email}</span>
            <span className="block text-xs capitalize text-ink-muted">{staff.role}</span>
          </p>
          <form action={signOutAction}>
            <Button type="submit" variant="secondary">
              Sign out
            </Button>
          </form>
        </div>
      ) : null}
    </header>
  );
}
