/** lib/guard's public face: declare edits, run them, decide approvals, read and verify the audit log. */
export { defineEdit, type AnyEdit, type EditBody, type EditDefinition, type EditIdentity, type Loaded, type Applied, type Target } from '@/lib/guard/define';
export { previewEdit, commitEdit, authorizeEdit, APPROVAL_TTL_HOURS, type Preview, type CommitResult, type GuardOptions } from '@/lib/guard/kernel';
export { decideApproval, listApprovals, type ApprovalView, type Decision, type EditsByName } from '@/lib/guard/approvals';
export { appendAudit, auditHistoryHref, verifyAuditChain, type ChainReport } from '@/lib/guard/audit';
export { GuardError, STALE_MESSAGE, type GuardErrorKind, type FieldErrors } from '@/lib/guard/errors';
export { computeChanges, type Change } from '@/lib/guard/diff';
export { safeText, reasonSchema } from '@/lib/guard/text';
export { listPendingRequests, type PendingRequest } from '@/lib/guard/pending';
