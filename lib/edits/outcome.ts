/**
 * What staff are told once an edit went through: "Refunded $12.00", "Filed for approval". Client-safe
 * (no server code): the edit actions compose it from the parsed input and the kernel's result, and the
 * console's status line (components/confirm/edit-status.tsx) shows it.
 */
import { EDIT_CATALOG, isEditName, type EditName } from '@/lib/edits/catalog';
import { absDecimal, compareDecimals, formatCredits, formatMoney } from '@/lib/money';

type Input = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Past tense, from the edit's input. An edit without an entry says "Done: <label>". */
const DONE: Partial<Record<EditName, (i: Input) => string>> = {
  'staff.add': (i) => `Added ${text(i.email)} as ${text(i.role)}`,
  'staff.changeRole': (i) => `Role changed to ${text(i.role)}`,
  'staff.remove': () => 'Staff member removed',
  'credits.adjust': (i) => {
    const amount = text(i.amount);
    return compareDecimals(amount, '0') < 0 ? `Took ${formatCredits(absDecimal(amount), 2)} credits` : `Added ${formatCredits(amount, 2)} credits`;
  },
  'credits.fixDrift': () => 'Cached balance set to the ledger sum',
  'credits.reverse': (i) => `Entry reversed (${formatCredits(text(i.amount), 2)} credits netted to zero)`,
  'users.addNote': () => 'Note added',
  'payments.dispute': (i) => (i.action === 'resolve' ? 'Dispute resolved' : 'Payment marked disputed'),
  'payments.refund': (i) => `Refunded ${formatMoney(text(i.amount), text(i.currency))}`,
  'payments.grantCredits': () => 'Missing credits granted',
  'tasks.requeue': () => 'Task requeued',
  'tasks.cancel': () => 'Task cancelled',
  'tasks.bulkRequeue': () => 'Tasks requeued',
  'tasks.bulkCancel': () => 'Tasks cancelled',
  'workers.markOffline': () => 'Worker marked offline',
  'advisors.suppress': () => 'Finding suppressed',
  'advisors.unsuppress': () => 'Suppression ended',
  'webhooks.add': (i) => `Webhook ${text(i.name)} added`,
  'webhooks.update': (i) => `Webhook ${text(i.name)} saved`,
  'webhooks.remove': () => 'Webhook removed',
  'webhooks.test': () => 'Test queued; it is being sent',
  'alerts.updateRule': (i) => (i.enabled === false ? `Rule ${text(i.rule)} switched off` : `Rule ${text(i.rule)} updated`),
  'database.signalBackend': (i) => (i.mode === 'terminate' ? `Session ${text(i.pid)} terminated` : `Query of session ${text(i.pid)} cancelled`),
};

/** What the status line shows: the sentence, and where its record is (the audit entry or the request). */
export interface EditOutcome {
  message: string;
  link: { href: string; label: string };
}

export function editOutcome(
  name: EditName,
  label: string,
  input: Input,
  result: { status: 'applied'; auditId: string } | { status: 'pending'; approvalId: string },
): EditOutcome {
  if (result.status === 'pending') {
    return {
      message: `Filed for approval: ${label}`,
      link: { href: '/approvals', label: `request #${result.approvalId}` },
    };
  }
  const done = DONE[name];
  let message: string;
  try {
    message = done ? done(input) : `Done: ${label}`;
  } catch {
    message = `Done: ${label}`; // a message never fails an edit that was made
  }
  return { message, link: { href: `/audit?entry=${result.auditId}`, label: `audit #${result.auditId}` } };
}

/**
 * An audit row's action in words: "credits.adjust" -> "Adjust credits", "payments.refund.request" ->
 * "Refund a payment (requested)". The stored name stays the filter's value and the hover text.
 */
export function actionLabel(action: string): string {
  const m = /^(.*?)(?:\.(request|reject))?$/.exec(action)!;
  const name = m[1];
  const base = isEditName(name) ? EDIT_CATALOG[name].label : isEditName(action) ? EDIT_CATALOG[action].label : null;
  if (!base) return action;
  const text = base.charAt(0).toUpperCase() + base.slice(1);
  if (isEditName(action)) return text;
  return m[2] === 'request' ? `${text} (requested)` : `${text} (rejected)`;
}
