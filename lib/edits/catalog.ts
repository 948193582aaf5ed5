/**
 * What anyone may know of every guarded edit without running it: its name, label, capabilities,
 * thresholds, the names of its fields and the pages that show what it changes. Client-safe (no zod,
 * no server code): ConfirmDialog reads it by the edit's name, and the definitions (lib/edits/*.ts)
 * take their name, label and capabilities from here, so the dialog and the kernel cannot disagree.
 */
import type { Capability } from '@/lib/auth/permissions';
import { NOTE_MAX_CHARS } from '@/lib/domain/notes-limits';

/** Credit adjustments, drift fixes and reversals: above this many credits a second person approves. */
export const ADJUST_APPROVAL_ABOVE = 500;
export const ADJUST_MAX = 10_000;
export const ADJUST_DAILY_LIMIT = 20_000;
export const REFUND_MAX = 10_000;
export const REFUND_DAILY_LIMIT = 50_000;
/** Disputes of payments above this amount (in the payment's currency) need finance's approval. */
export const DISPUTE_APPROVAL_ABOVE = 50;
/** At most this many tasks per bulk edit. */
export const BULK_MAX = 500;
/** The longest a suppression may last: a year, so nothing is hidden for good by accident. */
export const MAX_SUPPRESSION_DAYS = 366;
export { NOTE_MAX_CHARS };

export interface EditMeta {
  /** Stable name, recorded in the audit log. */
  name: string;
  /** For messages: "change a staff role". */
  label: string;
  capability: Capability;
  /** Who may approve a request above the threshold. */
  approveCapability?: Capability;
  /** When a second person must approve, in words (shown in the dialog before the preview). */
  approval?: string;
  /** Human names of the input's fields, for refusals that name them. */
  fields: Readonly<Record<string, string>>;
  /** Pages showing what the edit changes, revalidated after a commit (with /audit and /approvals). */
  pages: readonly string[];
}

const COMMON = { reason: 'Reason', _form: 'Edit' } as const;
const STAFF = { fields: { ...COMMON, email: 'Email', role: 'Role', userId: 'Staff member' }, pages: ['/staff'] } as const;
const CREDITS = {
  capability: 'credits.adjust',
  approveCapability: 'credits.approve',
  approval: `Above ${ADJUST_APPROVAL_ABOVE} credits a second finance approver must agree.`,
  fields: { ...COMMON, userId: 'User', amount: 'Amount', drift: 'Drift', entryId: 'Entry' },
  pages: ['/finance', '/users'],
} as const;
const PAYMENT = {
  fields: { ...COMMON, paymentId: 'Payment', amount: 'Amount', currency: 'Currency', action: 'Dispute' },
  pages: ['/payments', '/users'],
} as const;
const TASKS = {
  fields: {
    ...COMMON, taskId: 'Task', workerId: 'Worker', status: 'Tasks', taskType: 'Type', userId: 'User',
    createdAfter: 'Created after', createdBefore: 'Created before', taskIds: 'Ticked tasks',
  },
  pages: ['/tasks', '/workers'],
} as const;
const WEBHOOKS = {
  capability: 'alerts.manage',
  fields: {
    ...COMMON, id: 'Webhook', name: 'Name', url: 'URL', format: 'Format', secret: 'Secret', clearSecret: 'Remove the secret',
    enabled: 'Enabled', severities: 'Severities', rules: 'Rules',
  },
  pages: ['/alerts/webhooks'],
} as const;
const ADVISORS = {
  capability: 'database.read',
  fields: { ...COMMON, advisorId: 'Advisor', object: 'Object', note: 'Why it is accepted', expiresOn: 'Expires on', id: 'Suppression' },
  pages: ['/database/advisors'],
} as const;

export const EDIT_CATALOG = {
  'staff.add': { ...STAFF, name: 'staff.add', label: 'add a staff member', capability: 'staff.manage' },
  'staff.changeRole': { ...STAFF, name: 'staff.changeRole', label: 'change a staff role', capability: 'staff.manage' },
  'staff.remove': { ...STAFF, name: 'staff.remove', label: 'remove a staff member', capability: 'staff.manage' },
  'credits.adjust': { ...CREDITS, name: 'credits.adjust', label: 'adjust credits' },
  'credits.fixDrift': { ...CREDITS, name: 'credits.fixDrift', label: 'fix a drifted balance' },
  'credits.reverse': { ...CREDITS, name: 'credits.reverse', label: 'reverse a ledger entry' },
  'users.addNote': {
    name: 'users.addNote', label: 'add a note to a user', capability: 'users.note',
    fields: { ...COMMON, userId: 'User', body: 'Note' }, pages: ['/users'],
  },
  'payments.dispute': {
    ...PAYMENT, name: 'payments.dispute', label: 'open or resolve a payment dispute',
    capability: 'payments.dispute', approveCapability: 'payments.approve',
    approval: `Disputes of payments above ${DISPUTE_APPROVAL_ABOVE} (in the payment's currency) need a finance approval.`,
  },
  'payments.refund': {
    ...PAYMENT, name: 'payments.refund', label: 'refund a payment', capability: 'payments.dispute', approveCapability: 'payments.refund',
    approval: 'Every refund is approved by someone else with payments.refund.',
  },
  'payments.grantCredits': {
    ...PAYMENT, name: 'payments.grantCredits', label: 'grant the missing credits of a payment', capability: 'credits.adjust',
  },
  'tasks.requeue': { ...TASKS, name: 'tasks.requeue', label: 'requeue a task', capability: 'tasks.requeue' },
  'tasks.cancel': { ...TASKS, name: 'tasks.cancel', label: 'cancel a task', capability: 'tasks.cancel' },
  'tasks.bulkRequeue': { ...TASKS, name: 'tasks.bulkRequeue', label: 'requeue tasks in bulk', capability: 'tasks.requeue' },
  'tasks.bulkCancel': { ...TASKS, name: 'tasks.bulkCancel', label: 'cancel tasks in bulk', capability: 'tasks.cancel' },
  'tasks.requeueSelected': { ...TASKS, name: 'tasks.requeueSelected', label: 'requeue the ticked tasks', capability: 'tasks.requeue' },
  'tasks.cancelSelected': { ...TASKS, name: 'tasks.cancelSelected', label: 'cancel the ticked tasks', capability: 'tasks.cancel' },
  'workers.markOffline': { ...TASKS, name: 'workers.markOffline', label: 'mark a worker offline', capability: 'tasks.cancel' },
  'advisors.suppress': { ...ADVISORS, name: 'advisors.suppress', label: 'suppress an advisor finding' },
  'advisors.unsuppress': { ...ADVISORS, name: 'advisors.unsuppress', label: 'end a suppression' },
  'webhooks.add': { ...WEBHOOKS, name: 'webhooks.add', label: 'add a webhook' },
  'webhooks.update': { ...WEBHOOKS, name: 'webhooks.update', label: 'change a webhook' },
  'webhooks.remove': { ...WEBHOOKS, name: 'webhooks.remove', label: 'remove a webhook' },
  'webhooks.test': { ...WEBHOOKS, name: 'webhooks.test', label: 'send a test to a webhook' },
  'alerts.updateRule': {
    name: 'alerts.updateRule', label: 'change an alert rule', capability: 'alerts.manage',
    fields: { ...COMMON, rule: 'Rule', enabled: 'On', threshold: 'Threshold', renotifyMinutes: 'Re-notify every (minutes)' }, pages: ['/alerts'],
  },
  'database.signalBackend': {
    name: 'database.signalBackend', label: 'cancel a query or terminate a database session', capability: 'database.terminate',
    fields: { ...COMMON, pid: 'Session', mode: 'Action' }, pages: ['/database/activity'],
  },
  'jobs.run': {
    name: 'jobs.run', label: 'run a scheduled job now', capability: 'jobs.run', fields: { ...COMMON, job: 'Job' }, pages: ['/jobs'],
  },
} as const satisfies Record<string, EditMeta>;

export type EditName = keyof typeof EDIT_CATALOG;

export function isEditName(value: unknown): value is EditName {
  return typeof value === 'string' && Object.hasOwn(EDIT_CATALOG, value);
}

export function editMeta(name: EditName): EditMeta {
  return EDIT_CATALOG[name];
}
