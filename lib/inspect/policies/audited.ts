/**
 * Test-as-user and "why not?" read customer data as that customer, so each run is recorded in the
 * audit log: who tested which user, table and command(s), and why.
 *
 * The test runs first, in its own read-only transaction that is always rolled back (test-as-user.ts);
 * the audit row is then appended in a write transaction of its own. The result reaches the caller
 * only once that row is committed: if the audit cannot be written, nothing is shown. A test that
 * fails before reading (unknown table, role or user) records nothing, as it read nothing.
 * The audit row keeps the verdicts and counts, never the sample rows themselves.
 */
import 'server-only';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { write } from '@/db/index';
import type { KontorDatabase } from '@/db/types';
import type { StaffContext } from '@/lib/auth/staff';
import { appendAudit } from '@/lib/guard/audit';
import { reasonSchema } from '@/lib/guard/text';
import { testAsUser, whyNot, TestAsUserInput, WhyNotInput, type TestAsUserResult, type WhyNotResult } from '@/lib/inspect/policies/test-as-user';

export const TEST_AS_USER_ACTION = 'security.testAsUser';
export const WHY_NOT_ACTION = 'security.whyNot';

export const AuditedTestInput = TestAsUserInput.extend({ reason: reasonSchema });
export const AuditedWhyNotInput = WhyNotInput.extend({ reason: reasonSchema });

interface Options {
  db: Kysely<KontorDatabase>;
  requestId?: string;
}

const subjectOf = (user: { id: string | null }) => ({ type: 'user', id: user.id ?? 'anon' });

export async function testAsUserAudited(staff: StaffContext, raw: z.input<typeof AuditedTestInput>, opts: Options): Promise<TestAsUserResult & { auditId: string }> {
  const { reason, ...input } = AuditedTestInput.parse(raw);
  const result = await testAsUser(opts.db, staff, input);
  const audit = await write(
    (trx) =>
      appendAudit(trx, {
        staff,
        capability: 'security.impersonate',
        action: TEST_AS_USER_ACTION,
        target: subjectOf(result.user),
        before: null,
        after: {
          table: result.table,
          role: result.role,
          commands: Object.fromEntries(result.commands.map((c) => [c.command, c.rows === null ? c.access.kind : `${c.rows}${c.capped ? '+' : ''} rows`])),
          sampleRows: result.sample.length,
        },
        reason,
        requestId: opts.requestId,
      }),
    {},
    opts.db,
  );
  return { ...result, auditId: audit.id };
}

export async function whyNotAudited(staff: StaffContext, raw: z.input<typeof AuditedWhyNotInput>, opts: Options): Promise<WhyNotResult & { auditId: string }> {
  const { reason, ...input } = AuditedWhyNotInput.parse(raw);
  const result = await whyNot(opts.db, staff, input);
  const audit = await write(
    (trx) =>
      appendAudit(trx, {
        staff,
        capability: 'security.impersonate',
        action: WHY_NOT_ACTION,
        target: subjectOf(result.user),
        before: null,
        after: {
          table: result.table,
          role: result.role,
          row: result.key,
          commands: Object.fromEntries(result.commands.map((c) => [c.command, c.allowed ? 'allowed' : 'denied'])),
        },
        reason,
        requestId: opts.requestId,
      }),
    {},
    opts.db,
  );
  return { ...result, auditId: audit.id };
}
