/**
 * Discovery by structure, for databases no preset fits. Every table of the catalog (any schema but the
 * system ones) is scored for each concept by what its columns are: their types, keys, foreign keys and
 * the values they hold (an enum's labels, a CHECK's list, the planner's most common values). A payments
 * table is an amount, a status with paid-like values, a user reference, a provider's reference and a
 * time; a ledger is signed amounts of a few types per user; a job queue is a status with queue-like
 * values and its timestamps. Names only break ties: a to-do table called `dev_tasks` never wins over a
 * `jobs` table whose structure fits. The best table wins when it has what the concept cannot do
 * without and enough of the rest; the runner-up is kept as the near miss, so `kontor detect` says why.
 * Usage counters are never guessed: a counter means nothing without the events it counts.
 */
import { CONCEPTS, type ConceptName, type MappingInput } from '@/lib/mapping/schema';
import { scoreTable, type Context, type Tally } from '@/lib/mapping/discover-concepts';
import { referencesIndex } from '@/lib/mapping/discover-columns';
import type { CatalogTable } from '@/lib/mapping/catalog';

/** A table scored for a concept. */
export interface Candidate {
  table: string;
  /** Points of structure it has, of the concept's most. */
  points: number;
  max: number;
  reasons: string[];
  /** Why it was not chosen, when its structure says so: what it lacks, or too few points. */
  verdict?: string;
}

export interface FoundConcept {
  concept: ConceptName;
  table: string;
  /** 0 to 1: the share of the concept's structure the table has (1 for a preset's table). */
  score: number;
  reasons: string[];
  /** The next best tables (at most three), and any named like the concept: the near misses. */
  nearMisses: Candidate[];
}

export interface MissedConcept {
  concept: ConceptName;
  why: string;
  /** The best table that scored, though too weakly or without what the concept needs. */
  nearMiss?: Candidate;
}

export interface Discovery {
  mapping: MappingInput;
  found: FoundConcept[];
  missed: MissedConcept[];
}

export const NOTHING_LIKE_IT = 'no table of this database looks like one';

/** Concepts in the order they are decided: a reference to users, tasks or payments needs them found first. */
const ORDER: ConceptName[] = ['users', 'tiers', 'subscriptions', 'payments', 'tasks', 'workers', 'apiCosts', 'taskCostConfigs', 'ledger'];
/** A table is one of these at most (a ledger's purchases are not a payments table of their own). */
const EXCLUSIVE: ConceptName[][] = [['payments', 'ledger'], ['subscriptions', 'tiers'], ['tasks', 'ledger'], ['users', 'tiers']];

const display = (t: CatalogTable) => `${t.schema}.${t.name}`;

type Scored = Tally & { t: CatalogTable };

function rank(a: Scored, b: Scored): number {
  return Number(b.ok) - Number(a.ok) || b.points - a.points || b.exactName - a.exactName
    || Number(b.t.schema === 'public') - Number(a.t.schema === 'public') || display(a.t).localeCompare(display(b.t));
}

function candidate(s: Scored, taken?: ConceptName): Candidate {
  const verdict = !s.ok ? `lacks ${s.needs.join(', ')}` : s.points < s.min ? `below the ${s.min} points it takes` : undefined;
  return {
    table: display(s.t), points: s.points, max: s.max,
    reasons: [...s.reasons, ...(verdict ? [verdict] : []), ...(taken ? [`chosen as ${taken}`] : [])],
    ...(verdict ? { verdict } : {}),
  };
}

/** A table worth naming beside the chosen one: half the structure the concept asks for, or its name. */
const worthNaming = (s: Scored) => s.points >= s.min / 2 || s.namedLike;

export function discover(tables: CatalogTable[]): Discovery {
  const ctx: Context = { tables, referencedBy: referencesIndex(tables), chosen: {} };
  const mapping: Record<string, unknown> = { name: 'detected' };
  const found: FoundConcept[] = [];
  const missed: MissedConcept[] = [];
  const taken = new Map<string, ConceptName>();
  for (const concept of ORDER) {
    const scored = tables.map((t) => ({ ...scoreTable(concept, t, ctx), t })).filter((s) => s.points > 0 || s.namedLike).sort(rank);
    const rivals = EXCLUSIVE.filter((g) => g.includes(concept)).flat();
    const free = scored.filter((s) => {
      const other = taken.get(display(s.t));
      return !other || !rivals.includes(other) || other === concept;
    });
    const best = free[0];
    if (best && best.ok && best.points >= best.min) {
      ctx.chosen[concept] = best.t;
      taken.set(display(best.t), concept);
      mapping[concept] = best.spec;
      const nearMisses = scored.filter((s) => s !== best && worthNaming(s)).slice(0, 3).map((s) => candidate(s, taken.get(display(s.t))));
      found.push({ concept, table: display(best.t), score: Math.min(1, best.points / best.max), reasons: best.reasons, nearMisses });
    } else {
      const near = scored[0] && worthNaming(scored[0]) ? candidate(scored[0], taken.get(display(scored[0].t))) : undefined;
      const why = near
        ? `${NOTHING_LIKE_IT} (closest: ${near.table}, ${near.points} of ${near.max} points: ${near.verdict ?? near.reasons.at(-1)})`
        : NOTHING_LIKE_IT;
      missed.push({ concept, why, ...(near ? { nearMiss: near } : {}) });
    }
  }
  missed.push({ concept: 'usageCounters', why: 'usage counters are not guessed: name a counter and the events it counts in the mapping (usageCounters)' });
  // Per-task billing needs a ledger that names its tasks; without one, tasks are shown, not billed.
  const tasks = mapping.tasks as { billing?: string } | undefined;
  if (tasks && !(mapping.ledger as { columns?: { taskId?: string } } | undefined)?.columns?.taskId) tasks.billing = 'none';
  mapping.absent = Object.fromEntries(missed.map((m) => [m.concept, m.why]));
  const order = (c: ConceptName) => CONCEPTS.indexOf(c);
  return {
    mapping: mapping as MappingInput,
    found: found.sort((a, b) => order(a.concept) - order(b.concept)),
    missed: missed.sort((a, b) => order(a.concept) - order(b.concept)),
  };
}
