/** How the previews, approvals and audit log key and word an edit's target (client-safe, no server code). */
export interface TargetName {
  name: string;
  /** The thing's page, when the viewer's role may open it. */
  href?: string;
}

/** Names by targetKey(target). */
export type TargetNames = Record<string, TargetName>;

export function targetKey(t: { type: string; id: string }): string {
  return `${t.type}:${t.id}`;
}

/** The kinds of target, in words: the audit log's target_type is an internal name ("ledger_entry"). */
export function targetKind(type: string): string {
  return type.replace(/_/g, ' ');
}
