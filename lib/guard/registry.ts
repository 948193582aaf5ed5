/**
 * Every guarded edit Kontor declares, by name: approvals look their edit up here, and the tests walk
 * it (every edit x every role). An issue that adds an edit adds one line.
 */
import type { AnyEdit } from '@/lib/guard/define';
import { addStaff, changeStaffRole, removeStaff } from '@/lib/domain/staff';
import { adjustCredits } from '@/lib/domain/credits-adjust';
import { fixBalanceDrift, reverseLedgerEntry } from '@/lib/domain/ledger-edits';
import { SUPPORT_EDITS } from '@/lib/domain/payments-edits';
import { TASK_EDITS } from '@/lib/domain/tasks/edits';
import { SUPPRESSION_EDITS } from '@/lib/domain/suppressions';
import { signalBackend } from '@/lib/inspect/terminate';

export const EDITS: readonly AnyEdit[] = [
  addStaff,
  changeStaffRole,
  removeStaff,
  adjustCredits,
  fixBalanceDrift,
  reverseLedgerEntry,
  ...SUPPORT_EDITS,
  ...Object.values(TASK_EDITS),
  ...Object.values(SUPPRESSION_EDITS),
  signalBackend,
];

export function editNamed(name: string): AnyEdit | undefined {
  return EDITS.find((e) => e.name === name);
}
