/**
 * How a mapping says where a concept's column is, as the text a person writes in a mapping file, and
 * its parsed form. No SQL is built here (lib/mapping/sql.ts does that, quoting every name): this
 * module is shared by the mapping's zod schema and the SQL builder.
 *
 * - `user_id`: a column of the concept's table.
 * - `metadata->>stripe_session_id`, `params->contract->>task_id`: a text field inside a JSON column.
 * - `'completed'`: a constant (every row of the concept has this value).
 * - `coalesce(params->contract->>task_id, params->>task_id_ref)`: the first of these that is not null
 *   (a parent named in either of two fields, as products write it in successive versions).
 * - `period_start || period_end`: several values read as one text key (null when any part is null):
 *   a billing period written in two columns.
 * - `(select user_id from public.ai_clones where id = clone_id)`: a column of another table, reached
 *   through a column of this one (a task's user is its clone's). Read, never written.
 */

export type PartPath =
  | { kind: 'column'; column: string }
  | { kind: 'json'; column: string; path: string[] }
  | { kind: 'constant'; value: string };

export type ColumnPath =
  | PartPath
  | { kind: 'coalesce'; parts: PartPath[] }
  | { kind: 'concat'; parts: PartPath[] }
  | { kind: 'lookup'; local: string; table: { schema: string; name: string }; key: string; value: string };

/** Splits `text` at `sep` where it is outside single quotes and parentheses. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function parsePart(spec: string): PartPath {
  if (/^'.*'$/s.test(spec)) return { kind: 'constant', value: spec.slice(1, -1).replaceAll("''", "'") };
  if (!spec.includes('->')) return { kind: 'column', column: spec };
  const [column, ...path] = spec.split(/->>?/).map((p) => p.trim().replace(/^'(.*)'$/s, '$1'));
  return { kind: 'json', column, path };
}

const IDENT = '[A-Za-z_][A-Za-z0-9_$]*';
const LOOKUP = new RegExp(`^\\(\\s*select\\s+(${IDENT})\\s+from\\s+(?:(${IDENT})\\.)?(${IDENT})\\s+where\\s+(${IDENT})\\s*=\\s*(${IDENT})\\s*\\)$`, 'i');
const COALESCE = /^coalesce\s*\((.*)\)$/is;

export function parseColumn(spec: string): ColumnPath {
  const s = spec.trim();
  const lookup = LOOKUP.exec(s);
  if (lookup) {
    const [, value, schema, name, key, local] = lookup;
    return { kind: 'lookup', local, table: { schema: schema ?? 'public', name }, key, value };
  }
  const coalesce = COALESCE.exec(s);
  if (coalesce && splitTop(coalesce[1], ',').length > 1) return { kind: 'coalesce', parts: splitTop(coalesce[1], ',').map(parsePart) };
  const concat = splitTop(s, '||');
  if (concat.length > 1) return { kind: 'concat', parts: concat.map(parsePart) };
  return parsePart(spec);
}

/** The raw text of each part of a coalesce or concat (the spec itself otherwise). */
function rawParts(spec: string): string[] {
  const s = spec.trim();
  if (LOOKUP.test(s)) return [];
  const coalesce = COALESCE.exec(s);
  if (coalesce && splitTop(coalesce[1], ',').length > 1) return splitTop(coalesce[1], ',');
  return splitTop(s, '||');
}

/** Why a spec cannot be read, or null when it can (the mapping's schema refuses it with this). */
export function specProblem(spec: string): string | null {
  const raw = rawParts(spec);
  for (const part of raw) {
    if (/^'.*'$/s.test(part)) continue;
    if (!part) return 'a column cannot be empty';
    if (part.includes('->')) {
      if (!/->>[^>]+$/.test(part) || /->>?\s*(->|$)/.test(part) || /^\s*->/.test(part)) return 'a JSON path must end in ->> (a text field), e.g. metadata->>session_id';
    } else if (new TextEncoder().encode(part).length > 63) return 'Postgres identifiers are at most 63 bytes';
  }
  if (raw.length > 1 && raw.every((x) => /^'.*'$/s.test(x))) return 'at least one part must read a column';
  return null;
}

/** The columns of the concept's own table a spec reads (none for a constant). */
export function specColumns(spec: string): string[] {
  const p = parseColumn(spec);
  if (p.kind === 'lookup') return [p.local];
  const parts = p.kind === 'coalesce' || p.kind === 'concat' ? p.parts : [p];
  return [...new Set(parts.flatMap((x) => (x.kind === 'constant' ? [] : [x.column])))];
}
