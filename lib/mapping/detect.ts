/**
 * Detection: which preset fits a database, read from its catalog alone (one query, no product rows).
 * Each preset is scored by the share of the tables and columns it names that exist; a preset whose
 * every name exists fits, and the most specific one wins (the demo and Reigh share most names). When
 * none fits, the concepts are looked for by the names products commonly give them, and the result is
 * a mapping file (`kontor detect`) the admin can adjust and pass with KONTOR_MAPPING.
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import { PRESET_VARIANTS } from '@/lib/mapping/presets';
import { CONCEPTS, parseMapping, requiredColumns, type ConceptName, type Mapping, type MappingInput } from '@/lib/mapping/schema';
import { displayTable, parseColumn } from '@/lib/mapping/sql';

/** Schemas that belong to Postgres, Supabase or Kontor, never to the product. */
const SYSTEM_SCHEMAS = [
  'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'realtime', 'extensions', 'graphql',
  'graphql_public', 'vault', 'pgsodium', 'pgsodium_masks', 'supabase_functions', 'supabase_migrations', 'net',
  'cron', 'pgbouncer', 'kontor', '_realtime', '_analytics', 'pgtle', 'topology', 'tiger',
];

export interface CatalogColumn { name: string; type: string }
export interface CatalogTable { schema: string; name: string; columns: CatalogColumn[]; statuses: Record<string, string[]> }

export interface PresetScore {
  preset: string;
  /** Which version of the product's schema scored this (PRESET_VARIANTS). */
  version: string;
  /** Every table and required column it names exists (optional ones may be missing). */
  fits: boolean;
  /** Named tables and columns that exist, of all the preset names (0 to 1). */
  score: number;
  matched: number;
  /** What the database lacks, as "public.users.credits". */
  missing: string[];
  /** Why it fits or not, in a sentence per concept. */
  reasons: string[];
}

export interface Detection {
  /** The preset whose every table and column exists, or null. */
  preset: string | null;
  scores: PresetScore[];
  /** The preset's mapping, or what was found by name; always valid for this database. */
  mapping: MappingInput;
  /** Each concept found, and where. */
  found: { concept: ConceptName; table: string }[];
}

/** Every product table with its columns, and the most common values of columns named like a status. */
export async function readCatalog(db: QueryExecutorProvider): Promise<CatalogTable[]> {
  const { rows } = await sql<{ schema: string; name: string; columns: CatalogColumn[]; statuses: Record<string, string[]> | null }>`
    select n.nspname::text as schema, c.relname::text as name,
           coalesce(jsonb_agg(jsonb_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) order by a.attnum)
                      filter (where a.attname is not null), '[]') as columns,
           (select jsonb_object_agg(s.attname, s.most_common_vals::text::text[])
              from pg_catalog.pg_stats s
             where s.schemaname = n.nspname and s.tablename = c.relname and s.attname ~ 'status|state|type$'
               and s.most_common_vals is not null) as statuses
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
       and n.nspname <> all(${SYSTEM_SCHEMAS}::text[]) and n.nspname !~ '^pg_(temp|toast_temp)_'
     group by n.nspname, c.relname
     order by 1, 2`.execute(db);
  return rows.map((r) => ({ ...r, statuses: r.statuses ?? {} }));
}

type Index = Map<string, Map<string, CatalogColumn>>;

const tableKey = (schema: string, name: string) => `${schema}\u0000${name}`;

function indexCatalog(tables: CatalogTable[]): Index {
  return new Map(tables.map((t) => [tableKey(t.schema, t.name), new Map(t.columns.map((c) => [c.name, c]))]));
}

interface Named { concept: ConceptName; table: string; column?: string; required: boolean }

/** The names a mapping gives: each table, its key, its columns (a JSON field's column) and its filter's columns. */
function namedIn(mapping: Mapping): Named[] {
  return CONCEPTS.flatMap((concept) => {
    const spec = mapping[concept];
    if (!spec) return [];
    const table = tableKey(spec.table.schema, spec.table.name);
    const required = new Set(['key', ...requiredColumns(concept)]);
    const columns = new Map<string, boolean>();
    const add = (spec: string | undefined, isRequired: boolean) => {
      if (!spec) return;
      const p = parseColumn(spec);
      if (p.kind === 'constant') return;
      columns.set(p.column, (columns.get(p.column) ?? false) || isRequired);
    };
    add(spec.key, true);
    for (const [semantic, c] of Object.entries(spec.columns as Record<string, string | undefined>)) add(c, required.has(semantic));
    for (const c of Object.keys(spec.where ?? {})) add(c, true);
    return [{ concept, table, required: true }, ...[...columns].map(([column, req]) => ({ concept, table, column, required: req }))];
  });
}

/** A variant fits at this share of its names (every table and required column present). */
const FIT_SCORE = 0.8;

export function scorePreset(name: string, preset: MappingInput, catalog: Index, version = 'current', marks: string[] = []): PresetScore {
  const mapping = parseMapping(preset);
  const names = namedIn(mapping);
  const missing: string[] = [];
  let matched = 0;
  let requiredMissing = 0;
  for (const n of names) {
    const table = catalog.get(n.table);
    const ok = n.column ? Boolean(table?.has(n.column)) : Boolean(table);
    if (ok) matched += 1;
    else {
      if (n.required) requiredMissing += 1;
      const [schema, tableName] = n.table.split('\u0000');
      const where = displayTable({ schema, name: tableName });
      // A missing table is said once, not once per column.
      if (!n.column) missing.push(where);
      else if (table) missing.push(`${where}.${n.column}`);
    }
  }
  const score = names.length ? matched / names.length : 0;
  const reasons = CONCEPTS.filter((c) => mapping[c]).map((c) => {
    const own = names.filter((n) => n.concept === c);
    const found = own.filter((n) => (n.column ? catalog.get(n.table)?.has(n.column) : catalog.has(n.table))).length;
    return `${c}: ${displayTable(mapping[c]!.table)}, ${found} of ${own.length} names`;
  });
  // A version's marks are columns only it has: without them, it is another version of the product.
  const marksMissing = marks.filter((m) => {
    const [schema, table, column] = m.split('.');
    return !catalog.get(tableKey(schema, table))?.has(column);
  });
  if (marks.length) reasons.push(marksMissing.length ? `not this version: no ${marksMissing.join(', ')}` : `this version: ${marks.join(', ')}`);
  return {
    preset: name, version, fits: requiredMissing === 0 && score >= FIT_SCORE && !marksMissing.length,
    // Marks met rank a version above the others of its product.
    score: score + (marks.length && !marksMissing.length ? 0.001 * marks.length : 0), matched, missing: [...missing, ...marksMissing], reasons,
  };
}

/** Every variant of every preset, scored against the catalog, best first. */
function scoreAll(catalog: Index): PresetScore[] {
  return Object.entries(PRESET_VARIANTS)
    .flatMap(([name, variants]) => variants.map((v) => scorePreset(name, v.mapping, catalog, v.version, v.marks)))
    .sort((a, b) => Number(b.fits) - Number(a.fits) || b.score - a.score || b.matched - a.matched || a.preset.localeCompare(b.preset));
}

/** The variant of `preset` that fits this database best (KONTOR_PRESET names the product, not its version). */
export function bestVariant(preset: string, tables: CatalogTable[]): MappingInput | null {
  const catalog = indexCatalog(tables);
  const variants = PRESET_VARIANTS[preset];
  if (!variants) return null;
  const scored = variants.map((v) => ({ v, s: scorePreset(preset, v.mapping, catalog, v.version, v.marks) }))
    .sort((a, b) => Number(b.s.fits) - Number(a.s.fits) || b.s.score - a.s.score);
  return scored[0]?.v.mapping ?? null;
}

export async function detectMapping(db: QueryExecutorProvider): Promise<Detection> {
  const tables = await readCatalog(db);
  return detectFromCatalog(tables);
}

export function detectFromCatalog(tables: CatalogTable[]): Detection {
  const catalog = indexCatalog(tables);
  // One line per preset: its best version.
  const scores = scoreAll(catalog).filter((s, i, all) => all.findIndex((x) => x.preset === s.preset) === i);
  const best = scores[0];
  if (best && best.fits) {
    const mapping = PRESET_VARIANTS[best.preset].find((v) => v.version === best.version)!.mapping;
    const parsed = parseMapping(mapping);
    const found = CONCEPTS.filter((c) => parsed[c]).map((c) => ({ concept: c, table: displayTable(parsed[c]!.table) }));
    return { preset: best.preset, scores, mapping, found };
  }
  const mapping = discover(tables);
  const parsed = parseMapping(mapping);
  const found = CONCEPTS.filter((c) => parsed[c]).map((c) => ({ concept: c, table: displayTable(parsed[c]!.table) }));
  return { preset: null, scores, mapping, found };
}

// ---- Discovery by common names, for databases no preset fits ----

interface Want {
  tables: RegExp;
  key: string[];
  required: Record<string, string[]>;
  optional: Record<string, string[]>;
  statuses?: Record<string, string[]>;
}

const ID = ['id', 'uuid', 'pk'];
const CREATED = ['created_at', 'inserted_at', 'date_joined', 'created', 'createdat', 'timestamp'];
const USER = ['user_id', 'profile_id', 'customer_id', 'account_id', 'owner_id'];

// Usage counters are not guessed by name: a counter means nothing without the events it counts.
const WANTS: Partial<Record<ConceptName, Want>> = {
  users: {
    tables: /^(users?|profiles?|user_profiles?|customers?|accounts?|members?|\w*_?customuser|app_users?)$/,
    key: ID,
    required: { email: ['email', 'email_address'] },
    optional: {
      name: ['full_name', 'display_name', 'name', 'username'], createdAt: CREATED,
      credits: ['credits', 'credit_balance', 'balance', 'total_credits'], givenCredits: ['given_credits'], status: ['status'],
    },
    statuses: { active: ['active'], suspended: ['suspended', 'banned'], deleted: ['deleted'] },
  },
  payments: {
    tables: /(^|_)(payments?|charges?|orders?|transactions?)$/,
    key: ID,
    required: { userId: USER, amount: ['amount', 'amount_cents', 'total'], status: ['status', 'state'], createdAt: CREATED },
    optional: { currency: ['currency'], completedAt: ['completed_at', 'paid_at'], updatedAt: ['updated_at'], orderId: ['order_id'] },
    statuses: {
      created: ['created'], pending: ['pending', 'processing'], completed: ['completed', 'paid', 'succeeded', 'success'],
      failed: ['failed'], refunded: ['refunded'], disputed: ['disputed'],
    },
  },
  ledger: {
    tables: /(^|_)(credits?_ledger|ledger|credit_transactions?|credit_entries|wallet_transactions?)$/,
    key: ID,
    required: { userId: USER, amount: ['amount', 'delta', 'credits'], createdAt: CREATED },
    optional: { type: ['type', 'kind', 'entry_type'], taskId: ['task_id', 'job_id'], paymentId: ['payment_id'], description: ['description', 'note'] },
  },
  taskCostConfigs: {
    tables: /(^|_)(task_cost_configs?|task_prices|task_pricing)$/,
    key: ['task_type', 'id'],
    required: { taskType: ['task_type', 'type'], baseCostPerSecond: ['base_cost_per_second', 'cost_per_second'] },
    optional: { costFactors: ['cost_factors'], billable: ['billable'] },
  },
  tasks: {
    tables: /(^|_)(tasks?|jobs?|generations?_jobs?|queue)$/,
    key: ID,
    required: { status: ['status', 'state'], createdAt: CREATED },
    optional: {
      userId: USER, taskType: ['task_type', 'type', 'task_name', 'kind'], workerId: ['worker_id'], attempts: ['attempts', 'retries'],
      errorMessage: ['error_message', 'error'], updatedAt: ['updated_at'], startedAt: ['started_at'], processedAt: ['completed_at', 'finished_at'],
      params: ['params', 'input', 'payload'],
    },
    statuses: {
      queued: ['queued', 'pending', 'waiting'], inProgress: ['in progress', 'in_progress', 'running', 'processing'],
      complete: ['complete', 'completed', 'done', 'succeeded'], failed: ['failed', 'error'], cancelled: ['cancelled', 'canceled'],
    },
  },
  workers: {
    tables: /(^|_)workers?$/,
    key: ID,
    required: { status: ['status', 'state'] },
    optional: { lastHeartbeat: ['last_heartbeat', 'heartbeat_at', 'last_seen_at'], metadata: ['metadata'], createdAt: CREATED },
    statuses: { active: ['active', 'online'], inactive: ['inactive', 'offline'], terminated: ['terminated'] },
  },
  apiCosts: {
    tables: /(^|_)(api_cost_logs?|api_costs?|usage_logs?|token_?usage|llm_calls?)$/,
    key: ID,
    required: { costUsd: ['cost_usd', 'cost', 'total_cost'], createdAt: CREATED },
    optional: {
      userId: USER, taskId: ['task_id'], provider: ['provider', 'api_provider'], model: ['model', 'model_name'],
      inputTokens: ['input_tokens', 'prompt_tokens'], outputTokens: ['output_tokens', 'completion_tokens'],
    },
  },
  subscriptions: {
    tables: /(^|_)(subscriptions?)$/,
    key: ID,
    required: { userId: USER, status: ['status', 'state'] },
    optional: {
      createdAt: CREATED, periodStart: ['current_period_start', 'period_start'], periodEnd: ['current_period_end', 'period_end'],
      providerRef: ['stripe_subscription_id', 'provider_subscription_id', 'external_id'], tierId: ['plan_id', 'tier_id', 'price_id'],
    },
    statuses: { active: ['active'], trialing: ['trialing'], pastDue: ['past_due'], cancelled: ['canceled', 'cancelled'], incomplete: ['incomplete'] },
  },
  tiers: {
    tables: /(^|_)(subscription_tiers?|tiers?|plans?)$/,
    key: ID,
    required: { name: ['name', 'title'] },
    optional: { monthlyPrice: ['monthly_price', 'price'], monthlyCredits: ['monthly_credits', 'credits'] },
  },
};

function pick(columns: Map<string, CatalogColumn>, names: string[]): string | undefined {
  return names.find((n) => columns.has(n));
}

function matchStatuses(raw: string[] | undefined, synonyms: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of raw ?? []) {
    const lower = value.toLowerCase();
    const meaning = Object.entries(synonyms).find(([, words]) => words.includes(lower))?.[0];
    if (meaning && !out[meaning]) out[meaning] = value;
  }
  return out;
}

function discover(tables: CatalogTable[]): MappingInput {
  const mapping: Record<string, unknown> = { name: 'detected' };
  // public first, then other schemas, each by name: the same database gives the same guess.
  const ordered = [...tables].sort((a, b) => Number(b.schema === 'public') - Number(a.schema === 'public'));
  for (const concept of CONCEPTS) {
    const want = WANTS[concept];
    if (!want) continue;
    for (const t of ordered) {
      if (!want.tables.test(t.name.toLowerCase())) continue;
      const columns = new Map(t.columns.map((c) => [c.name, c]));
      const key = pick(columns, want.key);
      const required = Object.entries(want.required).map(([k, names]) => [k, pick(columns, names)] as const);
      if (!key || required.some(([, c]) => !c)) continue;
      const optional = Object.entries(want.optional).map(([k, names]) => [k, pick(columns, names)] as const).filter(([, c]) => c);
      const spec: Record<string, unknown> = {
        table: { schema: t.schema, name: t.name }, key, columns: Object.fromEntries([...required, ...optional]),
      };
      const statusColumn = (spec.columns as Record<string, string>).status;
      if (want.statuses && statusColumn) spec.statuses = matchStatuses(t.statuses[statusColumn], want.statuses);
      mapping[concept] = spec;
      break;
    }
  }
  mapping.absent = Object.fromEntries(CONCEPTS.filter((c) => !mapping[c]).map((c) => [c, 'no table of this database looks like one']));
  return mapping as MappingInput;
}
