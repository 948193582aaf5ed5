/**
 * What an edit's target is called, for the previews, the approvals list and the audit log: a user by
 * their email, a payment by its order number (or the provider's reference), a task by its kind, a staff
 * member by their email. The id stays available (hover, copy) beside the name. One query per kind of
 * target on a page, by key (`key = any($1)`: the key's own index), through the mapping.
 */
import 'server-only';
import { sql } from 'kysely';
import type { Trx } from '@/db/types';
import type { StaffContext } from '@/lib/auth';
import type { Capability } from '@/lib/auth/permissions';
import { columnOf, hasColumn, keyOf, tableOf, type Mapping } from '@/lib/mapping';
import { keyCanHold } from '@/lib/mapping/keys';
import { targetKey, type TargetName, type TargetNames } from '@/lib/edits/target-key';

interface Target {
  type: string;
  id: string;
}

type Lookup = { table: ReturnType<typeof tableOf>; key: ReturnType<typeof keyOf>; name: ReturnType<typeof columnOf>; keyType?: string };

function lookups(mapping: Mapping): Record<string, { lookup: Lookup | null; page: (id: string) => string; capability: Capability }> {
  const { users, payments, tasks } = mapping;
  const paymentName = payments && (hasColumn(payments, 'orderId') ? 'orderId' : hasColumn(payments, 'providerRef') ? 'providerRef' : null);
  return {
    user: {
      lookup: users ? { table: tableOf(users), key: keyOf(users), name: columnOf(users, 'email'), keyType: (users as { keyType?: string }).keyType } : null,
      page: (id) => `/users/${encodeURIComponent(id)}`,
      capability: 'users.read',
    },
    payment: {
      lookup: payments && paymentName ? { table: tableOf(payments), key: keyOf(payments), name: columnOf(payments, paymentName), keyType: (payments as { keyType?: string }).keyType } : null,
      page: (id) => `/payments/${encodeURIComponent(id)}`,
      capability: 'payments.read',
    },
    task: {
      lookup: tasks && hasColumn(tasks, 'taskType') ? { table: tableOf(tasks), key: keyOf(tasks), name: columnOf(tasks, 'taskType'), keyType: (tasks as { keyType?: string }).keyType } : null,
      page: (id) => `/tasks/${encodeURIComponent(id)}`,
      capability: 'tasks.read',
    },
  };
}

/** Names of these targets, by targetKey; a target without a name (deleted, or unnamed) is left out. */
export async function nameTargets(trx: Trx, mapping: Mapping, staff: StaffContext, targets: readonly Target[]): Promise<TargetNames> {
  const names: TargetNames = {};
  const byType = new Map<string, Set<string>>();
  for (const t of targets) byType.set(t.type, (byType.get(t.type) ?? new Set()).add(t.id));
  const known = lookups(mapping);
  for (const [type, idSet] of byType) {
    const ids = [...idSet];
    if (type === 'staff') {
      const rows = await trx.selectFrom('kontor.staff').select(['user_id', 'email']).where(sql<boolean>`user_id::text = any(${ids}::text[])`).execute();
      for (const r of rows) names[targetKey({ type, id: r.user_id })] = { name: r.email, href: staff.can('staff.manage') ? '/staff' : undefined };
      continue;
    }
    const k = known[type];
    if (!k?.lookup) continue;
    const { lookup } = k;
    const holdable = ids.filter((id) => keyCanHold({ keyType: lookup.keyType }, id));
    if (holdable.length === 0) continue;
    // A name is a courtesy: a lookup that fails (a key of another type, a changed mapping) leaves the ids shown.
    await sql`savepoint kontor_target_names`.execute(trx);
    const rows = await sql<{ id: string; name: string | null }>`
      select t.${lookup.key}::text as id, t.${lookup.name}::text as name from ${lookup.table} t where t.${lookup.key} = any(${holdable})`
      .execute(trx)
      .then((r) => r.rows, async () => {
        await sql`rollback to savepoint kontor_target_names`.execute(trx);
        return [];
      });
    await sql`release savepoint kontor_target_names`.execute(trx);
    for (const r of rows) {
      if (!r.name) continue;
      const name: TargetName = { name: r.name, href: staff.can(k.capability) ? k.page(r.id) : undefined };
      names[targetKey({ type, id: r.id })] = name;
    }
  }
  return names;
}
