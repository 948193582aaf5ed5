/**
 * What an API role may do to a table, decided the way Postgres decides it: schema USAGE and the
 * GRANT first; then BYPASSRLS, ownership (unless RLS is forced) or RLS off give every row; otherwise
 * the policies for the command (FOR ALL included) that apply to the role (PUBLIC, the role, or a role
 * it inherits), permissive ones OR-ed, restrictive ones AND-ed; no permissive policy means no row.
 */
import type { Command, PolicyTable, PolicyView, RoleGrants } from '@/lib/inspect/policies/catalog';

export type AccessKind = 'all' | 'conditional' | 'denied';

export interface Access {
  kind: AccessKind;
  /** A sentence: why. */
  reason: string;
  /** The permissive policies that can let a row through, and the restrictive ones every row must pass. */
  permissive: string[];
  restrictive: string[];
  /** Only some columns are granted (UPDATE users(full_name, …)). */
  columnsOnly: boolean;
}

/** The expression a policy contributes for a command: USING for reads, WITH CHECK (or USING) for new rows. */
export function policyExpression(p: PolicyView, part: 'using' | 'check'): string | null {
  if (part === 'using') return p.using;
  return p.check ?? p.using;
}

export function applicablePolicies(policies: readonly PolicyView[], role: string, command: Command): PolicyView[] {
  return policies.filter((p) => (p.command === command || p.command === 'ALL') && p.appliesTo.includes(role));
}

/** The parts of a policy that decide a command: SELECT/DELETE use USING, INSERT WITH CHECK, UPDATE both. */
export function partsFor(command: Command): ('using' | 'check')[] {
  return command === 'INSERT' ? ['check'] : command === 'UPDATE' ? ['using', 'check'] : ['using'];
}

export function decideAccess(table: Pick<PolicyTable, 'rls' | 'forced' | 'policies'>, grants: RoleGrants, command: Command): Access {
  const base = { permissive: [], restrictive: [], columnsOnly: grants.grants[command] === 'columns' };
  if (!grants.schemaUsage) return { ...base, kind: 'denied', reason: `${grants.role} has no USAGE on the schema.` };
  if (grants.grants[command] === 'none') return { ...base, kind: 'denied', reason: `No GRANT of ${command} to ${grants.role}.` };
  const cols = base.columnsOnly ? ' (granted on some columns only)' : '';
  if (grants.bypassRls) return { ...base, kind: 'all', reason: `${grants.role} bypasses RLS${cols}.` };
  if (!table.rls) return { ...base, kind: 'all', reason: `RLS is off: the GRANT decides${cols}.` };
  if (grants.owner && !table.forced) return { ...base, kind: 'all', reason: `${grants.role} owns the table and RLS is not forced${cols}.` };
  const applicable = applicablePolicies(table.policies, grants.role, command);
  const permissive = applicable.filter((p) => p.permissive);
  const restrictive = applicable.filter((p) => !p.permissive);
  const names = { permissive: permissive.map((p) => p.name), restrictive: restrictive.map((p) => p.name), columnsOnly: base.columnsOnly };
  if (!table.policies.length) return { ...names, kind: 'denied', reason: 'RLS is on with no policy: no row.' };
  if (!permissive.length) return { ...names, kind: 'denied', reason: `RLS is on and no permissive ${command} policy applies to ${grants.role}.` };
  const parts = partsFor(command);
  const always = (p: PolicyView, v: string) => parts.every((part) => policyExpression(p, part) === v);
  if (restrictive.some((p) => parts.some((part) => policyExpression(p, part) === 'false'))) {
    return { ...names, kind: 'denied', reason: 'A restrictive policy is always false.' };
  }
  if (permissive.some((p) => always(p, 'true')) && restrictive.every((p) => always(p, 'true'))) {
    return { ...names, kind: 'all', reason: `A permissive policy is always true${cols}.` };
  }
  const how = [
    `any of ${permissive.map((p) => `“${p.name}”`).join(', ')}`,
    ...(restrictive.length ? [`and all of ${restrictive.map((p) => `“${p.name}”`).join(', ')}`] : []),
  ].join(' ');
  return { ...names, kind: 'conditional', reason: `Rows that pass ${how}${cols}.` };
}
