/**
 * Reads a pg_node_tree (pg_policy.polqual as text) to find function calls that run once per row.
 *
 * Only a scalar sub-select with nothing to scan and nothing from the outer row, `(select auth.uid())`,
 * becomes an InitPlan that Postgres evaluates once per statement. Every other call is evaluated per
 * row: a bare one for each row of the table, one inside `exists (select 1 from projects p where
 * p.user_id = auth.uid())` for each row that sub-select scans (EXPLAIN shows it in a Filter, no
 * InitPlan), one inside `(select auth.uid() = user_id)` for each row too (a SubPlan: it reads the row).
 * Supabase's linter tells them apart by matching the deparsed text with LIKE, which misses spacing
 * and casing variants and calls nested in other expressions. Here the tree itself is walked: a call
 * counts as once only when its nearest SUBLINK is an EXPR sublink whose query has an empty range
 * table and reads no column (no VAR).
 */
interface Frame {
  /** Stack depth of the SUBLINK node. */
  depth: number;
  type: number;
  /** Set when the sub-select's own query (not a nested one) lists a range table. */
  scans: boolean;
  /** Set when a column is read inside it (from the outer row, since it scans nothing). */
  readsRow: boolean;
  calls: string[];
}

const EXPR_SUBLINK = 4;

function evaluatedOnce(f: Frame): boolean {
  return f.type === EXPR_SUBLINK && !f.scans && !f.readsRow;
}

/** The characters the walk stops at; everything between them is skipped in one step. */
const STOPS = /[{}\\]/g;

export function perRowCalls(tree: string | null, watched: ReadonlySet<string>): string[] {
  if (!tree) return [];
  const stack: string[] = [];
  const frames: Frame[] = [];
  const found: string[] = [];
  STOPS.lastIndex = 0;
  for (let m = STOPS.exec(tree); m; m = STOPS.exec(tree)) {
    const i = m.index;
    const ch = tree[i];
    if (ch === '\\') {
      STOPS.lastIndex = i + 2; // an escaped character inside a token (outToken escapes braces, parentheses, spaces)
    } else if (ch === '{') {
      let j = i + 1;
      while (j < tree.length && ((tree.charCodeAt(j) >= 65 && tree.charCodeAt(j) <= 90) || tree[j] === '_')) j++;
      const node = tree.slice(i + 1, j);
      stack.push(node);
      const frame = frames.at(-1);
      if (node === 'SUBLINK') {
        const t = /^ :subLinkType (\d+)/.exec(tree.slice(j, j + 20));
        frames.push({ depth: stack.length, type: t ? Number(t[1]) : -1, scans: false, readsRow: false, calls: [] });
      } else if (node === 'FUNCEXPR') {
        const f = /^ :funcid (\d+)/.exec(tree.slice(j, j + 24));
        if (f && watched.has(f[1])) (frame ? frame.calls : found).push(f[1]);
      } else if (node === 'VAR' && frame) {
        frame.readsRow = true;
      } else if (node === 'QUERY' && frame && stack.length === frame.depth + 1) {
        // The sub-select's own query: its range table is the first `:rtable` at this depth.
        const k = tree.indexOf(' :rtable ', j);
        if (k >= 0 && !tree.startsWith('<>', k + ' :rtable '.length)) frame.scans = true;
      }
      STOPS.lastIndex = j;
    } else {
      const depth = stack.length;
      stack.pop();
      const frame = frames.at(-1);
      if (frame && frame.depth === depth) {
        frames.pop();
        if (!evaluatedOnce(frame)) (frames.at(-1)?.calls ?? found).push(...frame.calls);
      }
    }
  }
  return found;
}
