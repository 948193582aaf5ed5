/**
 * Which storage buckets a SELECT policy on storage.objects admits whole: the disjuncts of its USING
 * (as pg_get_expr prints it) that are only `bucket_id = 'x'` or `bucket_id = ANY (ARRAY['x', 'y'])`,
 * or every bucket when the policy has no condition or an always-true one. A disjunct that also
 * checks the owner or a folder admits part of a bucket and is not counted.
 */
export function bucketsAdmittedBy(qual: string | null): 'all' | string[] {
  if (qual === null || /^\(*\s*(true|1\s*=\s*1)\s*\)*$/i.test(qual)) return 'all';
  const ids: string[] = [];
  for (const term of topLevel(unwrap(qual), ' OR ')) {
    const t = unwrap(term);
    const one = /^bucket_id = '((?:[^']|'')*)'(::text)?$/.exec(t);
    if (one) ids.push(one[1].replace(/''/g, "'"));
    const many = /^bucket_id = ANY \(\(?ARRAY\[(.*)\]\)?(::text\[\])?\)$/.exec(t);
    if (many) for (const m of many[1].matchAll(/'((?:[^']|'')*)'(::text)?/g)) ids.push(m[1].replace(/''/g, "'"));
  }
  return ids;
}

/** Removes parentheses that enclose the whole expression. */
function unwrap(expr: string): string {
  let e = expr.trim();
  while (e.startsWith('(') && e.endsWith(')') && closingOf(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

function closingOf(e: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < e.length; i++) {
    const ch = e[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits on `sep` outside parentheses and quotes. */
function topLevel(e: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && e.startsWith(sep, i)) {
      parts.push(e.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(e.slice(start));
  return parts;
}
