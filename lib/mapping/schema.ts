/**
 * Where each concept of an AI SaaS product lives in its database. Domain modules never name a product
 * table: they ask the mapping, which is validated here (shape) and against the live catalog
 * (validate.ts) before anything reads through it.
 */
import { z } from 'zod';
import { specProblem } from '@/lib/mapping/column-spec';

/** A Postgres identifier as the catalog spells it: any characters, at most 63 bytes. Quoted when used. */
export const identifier = z
  .string()
  .min(1, { error: 'an identifier cannot be empty' })
  .refine((s) => new TextEncoder().encode(s).length <= 63, { error: 'Postgres identifiers are at most 63 bytes' })
  .refine((s) => !s.includes('\0'), { error: 'an identifier cannot contain a NUL byte' });

export const tableRef = z.object({ schema: identifier.default('public'), name: identifier });

/**
 * Where a concept's column is: a column's name ("user_id"); a text field inside a JSON column, as
 * `column->>key` or `column->key->>key` ("metadata->>stripe_session_id"); a constant in single
 * quotes ("'completed'": every row of the concept has this value, e.g. the status of payments that
 * are ledger rows); the first non-null of several (`coalesce(a, b)`); several read as one key
 * (`a || b`); or a column of another table reached through this one
 * (`(select user_id from ai_clones where id = clone_id)`). The forms are in lib/mapping/column-spec.ts;
 * parsed and quoted in lib/mapping/sql.ts, never pasted into SQL.
 */
export const columnSpec = z
  .string()
  .min(1, { error: 'a column cannot be empty' })
  .max(200)
  .refine((s) => !s.includes('\0'), { error: 'a column cannot contain a NUL byte' })
  .superRefine((s, ctx) => {
    const problem = specProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type TableRef = z.infer<typeof tableRef>;

/** Raw values of an enum-like column, keyed by their meaning to Kontor. */
const values = <K extends string>(keys: readonly [K, ...K[]]) =>
  z.partialRecord(z.enum(keys), z.string()).default({});

/** Rows whose columns have these values: one value, any of a list, null for IS NULL, { notNull: true } for IS NOT NULL. */
const whereSpec = z.record(identifier, z.union([z.string(), z.null(), z.array(z.string()).min(1), z.strictObject({ notNull: z.literal(true) })]));

function concept<R extends z.ZodRawShape, S extends z.ZodRawShape>(required: R, optional: S) {
  return z.object({
    table: tableRef,
    /** The column that identifies a row (a columnSpec: a JSON field too). */
    key: columnSpec,
    columns: z.object({ ...required, ...optional }),
    /**
     * Only the rows whose columns have these values are the concept: payments that are the ledger's
     * rows of type 'stripe' are `{ table: credits_ledger, where: { type: 'stripe' } }`.
     */
    where: whereSpec.optional(),
    /** The key repeats (a JSON field of a ledger): one row per key, the earliest by createdAt. */
    oneRowPerKey: z.boolean().optional(),
    /** The key column's type, as the catalog says (filled in by validateMapping; "uuid", "bigint", "text"). */
    keyType: z.string().optional(),
  });
}

const col = columnSpec;
const opt = columnSpec.optional();

export const usersConcept = concept(
  { email: col },
  { name: opt, createdAt: opt, credits: opt, givenCredits: opt, tierId: opt, status: opt },
).extend({ statuses: values(['active', 'suspended', 'deleted']) });

export const paymentsConcept = concept(
  { userId: col, amount: col, status: col, createdAt: col },
  {
    currency: opt, credits: opt, provider: opt, providerRef: opt, orderId: opt, method: opt, completedAt: opt, updatedAt: opt,
    /** What one payment pays for: an invoice, a billing period, a checkout session. Two completed payments for one is a finding. */
    periodKey: opt,
  },
).extend({
  statuses: values(['created', 'pending', 'completed', 'failed', 'refunded', 'disputed']),
  /** 'major': 12.50 means 12.50; 'minor': 1250 means 12.50 (cents). */
  amountUnit: z.enum(['major', 'minor']).default('major'),
});

export const ledgerConcept = concept(
  { userId: col, amount: col, createdAt: col },
  { type: opt, paymentId: opt, taskId: opt, description: opt },
).extend({
  types: values(['purchase', 'spend', 'refund', 'grant', 'manual', 'expiry']),
  /**
   * Who moves the cached balance (users.credits) when a ledger row is inserted: 'trigger', the
   * product's own trigger on the ledger; 'app', the product's code, which updates both (so Kontor's
   * edits must update the balance themselves, in the same transaction).
   */
  balanceUpdate: z.enum(['trigger', 'app']).default('trigger'),
  /**
   * Decimals credits show with (balances, ledger amounts, charges). Absent: the ledger amount column's
   * numeric scale from the catalog (numeric(10,3): 3; integers: 0), else 2. Digits beyond it that are
   * not zero are shown, never rounded (lib/money.ts).
   */
  scale: z.number().int().min(0).max(20).optional(),
});

export const taskCostConfigsConcept = concept(
  { taskType: col, baseCostPerSecond: col },
  { costFactors: opt, billable: opt },
);

export const tasksConcept = concept(
  { status: col, createdAt: col },
  {
    userId: opt, projectId: opt, taskType: opt, params: opt, workerId: opt, attempts: opt,
    errorMessage: opt, cost: opt, updatedAt: opt, startedAt: opt, processedAt: opt, parentId: opt,
  },
).extend({
  statuses: values(['queued', 'inProgress', 'complete', 'failed', 'cancelled']),
  /**
   * Which tasks are charged one by one: 'per-task', every complete task of a billable type (the cost
   * configs' billable flag); 'parent-only', only tasks without a parent (columns.parentId), whose
   * sub-tasks are paid for by the parent's charge; 'none', no task is charged by itself (the product
   * charges per period or per subscription). A task that is correctly not charged is never a finding.
   */
  billing: z.enum(['per-task', 'parent-only', 'none']).default('per-task'),
  /**
   * Which unfinished outcomes the product may rightly charge: Reigh (2026) charges a cancelled
   * orchestrator for the segments that finished. A charge on a task in any other failed or cancelled
   * state is a finding.
   */
  chargedWhen: z.array(z.enum(['failed', 'cancelled'])).default([]),
});

export const workersConcept = concept(
  { status: col },
  { lastHeartbeat: opt, metadata: opt, createdAt: opt },
).extend({ statuses: values(['active', 'inactive', 'terminated']) });

// Cost logs are read in aggregate: a log table without a key column is fine.
export const apiCostsConcept = concept(
  { costUsd: col, createdAt: col },
  { userId: opt, taskId: opt, provider: opt, model: opt, inputTokens: opt, outputTokens: opt },
).extend({ key: identifier.optional() });

export const tiersConcept = concept(
  { name: col },
  { monthlyPrice: opt, monthlyCredits: opt },
).extend({
  /** The names (tiers.columns.name) of the free tiers: a user on one of them with a paid subscription is a finding. */
  free: z.array(z.string()).default([]),
});

/**
 * Subscriptions: a table of their own, or columns of the users table (a concept over it). A paying
 * status (active, trialing) on a user whose tier is free is a finding.
 */
export const subscriptionsConcept = concept(
  { userId: col, status: col },
  { tierId: opt, createdAt: opt, periodStart: opt, periodEnd: opt, provider: opt, providerRef: opt, updatedAt: opt },
).extend({
  statuses: values(['active', 'trialing', 'pastDue', 'cancelled', 'incomplete']),
  /** Raw values of users.columns.tierId that mean a free tier, when the product has no tiers table. */
  freeTierValues: z.array(z.string()).default([]),
});

/**
 * A usage counter the product keeps (a monthly count, a lifetime total, a token tally) beside the
 * events it counts. Counters and events are summed per match (and period, when the counter has one);
 * a counter that disagrees with its events is a finding.
 */
export const usageCountersConcept = concept(
  { value: col },
  { userId: opt, period: opt, createdAt: opt },
).extend({
  events: z.object({
    table: tableRef,
    where: whereSpec.optional(),
    /** What each event adds: a column to sum (tokens), or 1 per row when absent. */
    amount: columnSpec.optional(),
    /** The event's time, for counters with a period. */
    createdAt: columnSpec.optional(),
  }),
  /** Counter column -> event column that tie them (default: the user on both sides). */
  match: z.object({ counter: columnSpec, events: columnSpec }).optional(),
  /** How the counter's period is written: 'YYYY-MM' (a month), compared to the event's time. */
  periodFormat: z.enum(['YYYY-MM']).optional(),
});

export const mappingSchema = z.object({
  /** Which preset or file this came from, for messages. */
  name: z.string().min(1),
  users: usersConcept.optional(),
  payments: paymentsConcept.optional(),
  ledger: ledgerConcept.optional(),
  taskCostConfigs: taskCostConfigsConcept.optional(),
  tasks: tasksConcept.optional(),
  workers: workersConcept.optional(),
  apiCosts: apiCostsConcept.optional(),
  tiers: tiersConcept.optional(),
  subscriptions: subscriptionsConcept.optional(),
  usageCounters: usageCountersConcept.optional(),
  /**
   * Columns the row browser masks beside those whose names look secret: 'schema.table.column', or
   * 'table.column' in public (e.g. a column of personal data the product's policy keeps from staff).
   */
  masked: z.array(z.string().min(3).max(200)).optional(),
  /** Why the product has no such concept, in a sentence for the Overview (e.g. "Seydam keeps no ledger"). */
  absent: z.partialRecord(z.enum(['users', 'payments', 'ledger', 'taskCostConfigs', 'tasks', 'workers', 'apiCosts', 'tiers', 'subscriptions', 'usageCounters']), z.string()).default({}),
});

/** A mapping as written (defaults optional). */
export type MappingInput = z.input<typeof mappingSchema>;
/** A parsed mapping (defaults filled in). */
export type Mapping = z.output<typeof mappingSchema>;

export const CONCEPTS = [
  'users', 'payments', 'ledger', 'taskCostConfigs', 'tasks', 'workers', 'apiCosts', 'tiers', 'subscriptions', 'usageCounters',
] as const satisfies readonly (keyof Mapping)[];
export type ConceptName = (typeof CONCEPTS)[number];
export type Concept<N extends ConceptName> = NonNullable<Mapping[N]>;

/** Human names for messages and the overview. */
export const CONCEPT_LABELS: Record<ConceptName, string> = {
  users: 'Users',
  payments: 'Payments',
  ledger: 'Credit ledger',
  taskCostConfigs: 'Task cost configuration',
  tasks: 'Tasks',
  workers: 'Workers',
  apiCosts: 'API costs',
  tiers: 'Subscription tiers',
  subscriptions: 'Subscriptions',
  usageCounters: 'Usage counters',
};

const CONCEPT_SCHEMAS = {
  users: usersConcept,
  payments: paymentsConcept,
  ledger: ledgerConcept,
  taskCostConfigs: taskCostConfigsConcept,
  tasks: tasksConcept,
  workers: workersConcept,
  apiCosts: apiCostsConcept,
  tiers: tiersConcept,
  subscriptions: subscriptionsConcept,
  usageCounters: usageCountersConcept,
} satisfies { [N in ConceptName]: z.ZodType };

/** Columns a concept cannot do without (the others may be absent in a product's schema). */
export function requiredColumns(concept: ConceptName): string[] {
  const shape = CONCEPT_SCHEMAS[concept].shape.columns.shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .filter(([, s]) => !s.safeParse(undefined).success)
    .map(([k]) => k);
}

export function parseMapping(input: unknown): Mapping {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`The table mapping is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
