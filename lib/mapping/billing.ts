/**
 * Which tasks a product charges one by one (tasks.billing in the mapping), as a SQL predicate over
 * the task row `alias`. The finance and operations checks AND it into "should have been charged", so a
 * sub-task paid for by its parent, or a task of a product that charges per period, is never reported.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Concept } from '@/lib/mapping/schema';

export function taskBillable(tasks: Concept<'tasks'>, alias = 't'): RawBuilder<unknown> {
  switch (tasks.billing) {
    case 'none':
      return sql`false`;
    case 'parent-only':
      // validateMapping refuses parent-only without the parent column, so it is there.
      return sql`${sql.id(alias, tasks.columns.parentId!)} is null`;
    default:
      return sql`true`;
  }
}
