/**
 * Every guarded edit Kontor declares, by name: the edit actions and approvals look their edit up
 * here, and the tests walk it (every edit x every role). A new edit adds one line here and its entry
 * in catalog.ts. The kernel (lib/guard) never imports this: approvals receive it as an argument.
 */
import 'server-only';
import type { AnyEdit } from '@/lib/guard/define';
import type { EditName } from '@/lib/edits/catalog';
import { addStaff, changeStaffRole, removeStaff } from '@/lib/edits/staff';
import { adjustCredits } from '@/lib/edits/credits-adjust';
import { fixBalanceDrift, reverseLedgerEntry } from '@/lib/edits/ledger-edits';
import { addUserNote } from '@/lib/edits/user-note';
import { disputePayment } from '@/lib/edits/payment-dispute';
import { refundPayment } from '@/lib/edits/refund';
import { grantMissingCredits } from '@/lib/edits/grant-credits';
import { bulkCancelTasks, bulkRequeueTasks, cancelSelectedTasks, cancelTask, markWorkerOffline, requeueSelectedTasks, requeueTask } from '@/lib/edits/tasks';
import { suppressFinding, unsuppressFinding } from '@/lib/edits/suppressions';
import { signalBackend } from '@/lib/edits/signal-backend';
import { addWebhook, removeWebhook, testWebhook, updateWebhook } from '@/lib/edits/webhooks';
import { updateAlertRule } from '@/lib/edits/alert-rules';
import { runJobNow } from '@/lib/edits/jobs-run';

export type EditRegistry = ReadonlyMap<string, AnyEdit>;

const BY_NAME = {
  'staff.add': addStaff,
  'staff.changeRole': changeStaffRole,
  'staff.remove': removeStaff,
  'credits.adjust': adjustCredits,
  'credits.fixDrift': fixBalanceDrift,
  'credits.reverse': reverseLedgerEntry,
  'users.addNote': addUserNote,
  'payments.dispute': disputePayment,
  'payments.refund': refundPayment,
  'payments.grantCredits': grantMissingCredits,
  'tasks.requeue': requeueTask,
  'tasks.cancel': cancelTask,
  'tasks.bulkRequeue': bulkRequeueTasks,
  'tasks.bulkCancel': bulkCancelTasks,
  'tasks.requeueSelected': requeueSelectedTasks,
  'tasks.cancelSelected': cancelSelectedTasks,
  'workers.markOffline': markWorkerOffline,
  'advisors.suppress': suppressFinding,
  'advisors.unsuppress': unsuppressFinding,
  'database.signalBackend': signalBackend,
  'webhooks.add': addWebhook,
  'webhooks.update': updateWebhook,
  'webhooks.remove': removeWebhook,
  'webhooks.test': testWebhook,
  'alerts.updateRule': updateAlertRule,
  'jobs.run': runJobNow,
} as const satisfies Record<EditName, AnyEdit>;

export const EDIT_REGISTRY: EditRegistry = new Map(Object.entries(BY_NAME));
export const EDITS: readonly AnyEdit[] = [...EDIT_REGISTRY.values()];

export function editNamed(name: string): AnyEdit | undefined {
  return EDIT_REGISTRY.get(name);
}
