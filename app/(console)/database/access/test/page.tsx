import type { Metadata } from 'next';
import { read } from '@/db/index';
import { catalogContext } from '@/app/(console)/_lib/context';
import { listPolicyTables } from '@/lib/inspect/policies/catalog';
import { Notice } from '@/components/ui/notice';
import { attempt } from '@/app/(console)/_lib/attempt';
import { TestAsUserForm } from '@/app/(console)/database/access/_components/test-as-user-form';

export const metadata: Metadata = { title: 'Test as a user' };

const TABLE_CHOICES = 500;

export default async function TestAsUserPage() {
  await catalogContext('security.impersonate');
  const result = await attempt(() => read((trx) => listPolicyTables(trx, { limit: TABLE_CHOICES, offset: 0 })));
  return (
    <>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Test as a user</h1>
        <p className="text-sm text-ink-muted">
          Kontor switches to an API role with the JWT claims Supabase would set for the user, inside a read-only
          transaction that is always rolled back, and shows what that user reaches in a table for each command. Each
          test reads customer data as that customer, so it is recorded in the audit log with your reason.
        </p>
      </div>
      {result.ok ? (
        <TestAsUserForm
          roles={result.value.rows[0]?.roles.map((r) => r.role) ?? ['anon', 'authenticated']}
          tables={result.value.rows.map((r) => r.table)}
        />
      ) : (
        <Notice tone="warn" title="Tables unavailable">{result.message}</Notice>
      )}
    </>
  );
}
