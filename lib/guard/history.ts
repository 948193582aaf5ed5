/** Where a target's history is, for any page that shows something guarded edits change. Pure (client-safe). */
export function auditHistoryHref(target: { type: string; id: string }): string {
  return `/audit?target=${encodeURIComponent(`${target.type}:${target.id}`)}`;
}
