/**
 * Kysely types for Kontor's own schema. Product tables are not typed here: their names come from the
 * mapping (lib/mapping) and are reached with sql.table/sql.ref, quoted by Kysely.
 */
import type { ColumnType, Generated, Transaction } from 'kysely';

export const STAFF_ROLES = ['viewer', 'support', 'finance', 'engineer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffTable {
  user_id: string;
  email: string;
  role: StaffRole;
  created_at: ColumnType<Date, string | undefined, never>;
  created_by: string | null;
  updated_at: ColumnType<Date, string | undefined, string>;
}

export interface MigrationTable {
  name: string;
  timestamp: string;
}

type Json = ColumnType<unknown, string, string>;

/** Append-only; id, at, prev_hash and hash are set by the chaining trigger. */
export interface AuditLogTable {
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, never, never>;
  staff_id: string;
  staff_email: string;
  staff_role: string;
  capability: string;
  action: string;
  target_type: string;
  target_id: string;
  before: Json | null;
  after: Json | null;
  reason: string;
  amount: ColumnType<string | null, number | string | null | undefined, never>;
  idempotency_key: string | null;
  request_id: string | null;
  approval_id: string | null;
  prev_hash: ColumnType<string | null, never, never>;
  hash: ColumnType<string, never, never>;
}

export interface IdempotencyTable {
  key: string;
  edit: string;
  staff_id: string;
  input_hash: string;
  result: Json | null;
  /** The committed preview token's id (migration 0012): a token commits once. */
  preview_id: ColumnType<string | null, string | null | undefined, never>;
  created_at: ColumnType<Date, string | undefined, never>;
}

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface ApprovalsTable {
  id: Generated<string>;
  edit: string;
  capability: string;
  approve_capability: string;
  requested_by: string;
  requested_email: string;
  requested_role: string;
  input: Json;
  input_hash: string;
  preview: Json;
  preview_hash: string;
  versions: Json;
  target_type: string;
  target_id: string;
  amount: ColumnType<string | null, number | string | null | undefined, never>;
  reason: string;
  status: ColumnType<ApprovalStatus, ApprovalStatus | undefined, ApprovalStatus>;
  created_at: ColumnType<Date, string | undefined, never>;
  expires_at: ColumnType<Date, string, never>;
  decided_by: string | null;
  decided_email: string | null;
  decided_at: ColumnType<Date | null, string | null | undefined, string>;
  decision_reason: string | null;
}

/** Health history (0003_snapshots): written by `kontor snapshot`, read by the database pages. */
export interface SnapshotsTable {
  id: Generated<string>;
  taken_at: ColumnType<Date, string | undefined, never>;
  database_bytes: ColumnType<string, number | string, never>;
  stats_since: Date | null;
}

export interface SnapshotTablesTable {
  snapshot_id: string;
  schema_name: string;
  table_name: string;
  total_bytes: string;
  index_bytes: string;
  estimated_rows: string | null;
  live_tuples: string;
  seq_scans: string;
  idx_scans: string;
}

export interface SnapshotIndexesTable {
  snapshot_id: string;
  schema_name: string;
  table_name: string;
  index_name: string;
  size_bytes: string;
  scans: string;
}

export interface SnapshotQueriesTable {
  snapshot_id: string;
  queryid: string;
  userid: number;
  toplevel: boolean;
  query: string;
  calls: string;
  total_ms: number;
  rows: string;
}

export interface SuppressionsTable {
  id: Generated<string>;
  advisor_id: string;
  /** null: the whole advisor. */
  object: string | null;
  reason: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_by: string;
  created_by_email: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

/** Support's records (0005_support): append-only; product ids as text. */
export interface UserNotesTable {
  id: Generated<string>;
  user_id: string;
  body: string;
  created_by: string;
  created_by_email: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

export interface RefundsTable {
  id: Generated<string>;
  payment_id: string;
  user_id: string | null;
  amount: ColumnType<string, string, never>;
  currency: string | null;
  credits: ColumnType<string, string, never>;
  ledger_entry_id: string | null;
  created_by: string;
  created_by_email: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

export interface CreditGrantsTable {
  payment_id: string;
  user_id: string;
  credits: ColumnType<string, string, never>;
  ledger_entry_id: string | null;
  created_by: string;
  created_by_email: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

/** Finance (0006_finance): reconciliation runs, their findings, per-account checkpoints, reversals. */
export interface ReconcileRunsTable {
  id: Generated<string>;
  mode: 'full' | 'incremental';
  started_at: ColumnType<Date, string | undefined, never>;
  finished_at: ColumnType<Date | null, string | null | undefined, string>;
  started_by: string;
  staff_id: string | null;
  horizon: ColumnType<Date | null, string | null | undefined, string>;
  accounts: ColumnType<string | null, number | string | null | undefined, number | string>;
  entries_read: ColumnType<string | null, number | string | null | undefined, number | string>;
  found: number | null;
  totals: Json;
}

export interface ReconcileFindingsTable {
  run_id: string;
  n: number;
  kind: string;
  user_id: string | null;
  payment_id: string | null;
  task_id: string | null;
  entry_ids: string[];
  expected: ColumnType<string | null, string | null | undefined, never>;
  actual: ColumnType<string | null, string | null | undefined, never>;
  detail: string;
}

export interface ReconcileCheckpointsTable {
  account: string;
  settled_sum: string;
  settled_count: string;
  cached_balance: string | null;
  horizon: Date;
  run_id: string;
}

export interface LedgerReversalsTable {
  original_id: string;
  reversal_id: string;
  audit_reason: string;
  staff_id: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

/** One alert notification to deliver (migration 0021): the rules write, delivery reads. */
export interface AlertEventsTable {
  id: Generated<string>;
  rule: string;
  subject: ColumnType<string, string | undefined, never>;
  event: 'opened' | 'renotified' | 'resolved' | 'test';
  severity: 'info' | 'warning' | 'error';
  title: string;
  body: ColumnType<string, string | undefined, never>;
  url: string | null;
  alert_id: string | null;
  created_at: ColumnType<Date, string | undefined, never>;
}

export interface KontorDatabase {
  'kontor.staff': StaffTable;
  'kontor.kysely_migration': MigrationTable;
  'kontor.audit_log': AuditLogTable;
  'kontor.idempotency': IdempotencyTable;
  'kontor.approvals': ApprovalsTable;
  'kontor.snapshots': SnapshotsTable;
  'kontor.snapshot_tables': SnapshotTablesTable;
  'kontor.snapshot_indexes': SnapshotIndexesTable;
  'kontor.snapshot_queries': SnapshotQueriesTable;
  'kontor.suppressions': SuppressionsTable;
  'kontor.user_notes': UserNotesTable;
  'kontor.refunds': RefundsTable;
  'kontor.credit_grants': CreditGrantsTable;
  'kontor.reconcile_runs': ReconcileRunsTable;
  'kontor.reconcile_findings': ReconcileFindingsTable;
  'kontor.reconcile_checkpoints': ReconcileCheckpointsTable;
  'kontor.ledger_reversals': LedgerReversalsTable;
  'kontor.alert_events': AlertEventsTable;
}

export type { Generated };

/** A transaction on Kontor's database: what edits, read models and the kernel take as `trx`. */
export type Trx = Transaction<KontorDatabase>;
