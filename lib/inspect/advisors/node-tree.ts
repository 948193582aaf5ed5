/**
 * Reads a pg_node_tree (pg_policy.polqual as text) to find function calls that run once per row.
 *
 * A call such as auth.uid() inside a scalar sub-select `(select auth.uid())` becomes an InitPlan that
 * Postgres evaluates once per statement; a bare call is evaluated for every row. Supabase's linter
 * tells them apart by matching the deparsed text with LIKE, which misses spacing and casing variants
 * and calls nested in other expressions. Here the tree itself is walked: a FUNCEXPR of a watched
 * function that has no SUBLINK among its ancestors is a per-row call.
 */
export function perRowCalls(tree: string | null, watched: ReadonlySet<string>): string[] {
  if (!tree) return [];
  const stack: string[] = [];
  let sublinks = 0;
  const found: string[] = [];
  for (let i = 0; i < tree.length; i++) {
    const ch = tree[i];
    if (ch === '\\') {
      i++; // an escaped character inside a token (outToken escapes braces, parentheses, spaces)
    } else if (ch === '{') {
      let j = i + 1;
      while (j < tree.length && /[A-Z_]/.test(tree[j])) j++;
      const node = tree.slice(i + 1, j);
      stack.push(node);
      if (node === 'SUBLINK') sublinks++;
      if (node === 'FUNCEXPR' && sublinks === 0) {
        const m = /^ :funcid (\d+)/.exec(tree.slice(j, j + 24));
        if (m && watched.has(m[1])) found.push(m[1]);
      }
      i = j - 1;
    } else if (ch === '}') {
      if (stack.pop() === 'SUBLINK') sublinks--;
    }
  }
  return found;
}
