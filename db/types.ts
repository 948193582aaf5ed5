/**
 * Kysely types for Kontor's own schema. Product tables are not typed here: their names come from the
 * mapping (lib/mapping) and are reached with sql.table/sql.ref, quoted by Kysely.
 */
import type { ColumnType, Generated } from 'kysely';

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

export interface KontorDatabase {
  'kontor.staff': StaffTable;
  'kontor.kysely_migration': MigrationTable;
}

export type { Generated };
