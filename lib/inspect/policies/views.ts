/**
 * What the Policies and Access pages render, derived from the catalog facts (listPolicyTables):
 * which API roles reach a table whose RLS is off, and the access matrix (role x command verdicts).
 * Pure functions, so the pages and their tests share them.
 */
import { COMMANDS, type Command, type PolicyTable, type PolicyView } from '@/lib/inspect/policies/catalog';
import { decideAccess, type AccessKind } from '@/lib/inspect/policies/access';

export interface PolicyTableView {
  table: string;
  owner: string;
  rls: boolean;
  forced: boolean;
  /** API roles that can reach the table's rows with RLS off (schema USAGE and some GRANT): it stands out. */
  exposedTo: string[];
  policies: PolicyView[];
}

/** The roles that hold some privilege on the table and USAGE on its schema. */
export function rolesReaching(t: PolicyTable): string[] {
  return t.roles.filter((r) => r.schemaUsage && COMMANDS.some((c) => r.grants[c] !== 'none')).map((r) => r.role);
}

export function toPolicyTableView(t: PolicyTable): PolicyTableView {
  return {
    table: t.table,
    owner: t.owner,
    rls: t.rls,
    forced: t.forced,
    exposedTo: t.rls ? [] : rolesReaching(t),
    policies: t.policies,
  };
}

export interface MatrixCell {
  role: string;
  kind: AccessKind;
  reason: string;
}

export interface MatrixRow {
  table: string;
  rls: boolean;
  cells: Record<Command, MatrixCell[]>;
}

/** Tables x API roles x commands: all rows, conditional (which policies) or denied, and why. */
export function toMatrixRow(t: PolicyTable): MatrixRow {
  const cells = Object.fromEntries(
    COMMANDS.map((command) => [
      command,
      t.roles.map((g) => {
        const a = decideAccess(t, g, command);
        return { role: g.role, kind: a.kind, reason: a.reason };
      }),
    ]),
  ) as Record<Command, MatrixCell[]>;
  return { table: t.table, rls: t.rls, cells };
}
