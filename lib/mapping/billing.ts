/**
 * Which tasks a product charges one by one (tasks.billing in the mapping), as a SQL predicate over
 * the task row `alias`. The finance and operations checks AND it into "should have been charged", so a
 * sub-task paid for by its parent, or a task of a product that charges per period, is never reported.
 */
import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import type { Concept } from '@/lib/mapping/schema';

export function taskBillable(tasks: Concept<'tasks'>, alias = 't'): RawBuilder<unknown> {
  switch (tasks.billing) {
    case 'none':
      return sql`false`;
    case 'parent-only': {
      // validateMapping refuses parent-only without the parent column, so it is there. A parent
      // reference counts only when it could be another task's key: products write their own labels
      // into the same field of the parent itself (Reigh's orchestrators carry a human-readable
      // orchestrator_task_id, and its billing counts only a uuid other than the task's own id).
      const parent = sql`(${sql.id(alias, tasks.columns.parentId!)})::text`;
      const own = sql`(${sql.id(alias, tasks.key)})::text`;
      const couldBeKey = sql` and (pg_typeof(${sql.id(alias, tasks.key)}) <> 'uuid'::regtype
        or ${parent} ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$')`;
      return sql`not coalesce(${parent} <> ${own}${couldBeKey}, false)`;
    }
    default:
      return sql`true`;
  }
}
