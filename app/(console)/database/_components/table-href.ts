/** The database area's page for one table. */
export function tableHrefOf(schema: string, name: string): string {
  return `/database/tables/${encodeURIComponent(schema)}/${encodeURIComponent(name)}`;
}
