/**
 * What detection reads of a database's catalog (detect.ts reads it; discover*.ts score it): its own
 * module, so that the discovery modules and detection do not import each other.
 */
export interface CatalogColumn {
  name: string;
  type: string;
  /** What follows is read for detection by structure (discover.ts); a hand-made catalog may leave it out. */
  notNull?: boolean;
  /** The table's primary key is this one column. */
  pk?: boolean;
  /** A single-column foreign key: the table and column it references. */
  references?: { schema: string; table: string; column: string };
  /** The values it may hold or mostly holds: an enum's labels, a CHECK's list, the planner's most common values. */
  values?: string[];
  /** Numeric columns: the smallest and a middle value the planner's statistics know of. */
  min?: number;
  mid?: number;
}
export interface CatalogTable {
  schema: string;
  name: string;
  columns: CatalogColumn[];
  /** The most common values of columns named like a status, state or type (pg_stats). */
  statuses: Record<string, string[]>;
  /** The planner's estimate of its rows (0 when never analysed). */
  rows?: number;
}
