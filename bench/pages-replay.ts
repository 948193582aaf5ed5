/**
 * One request's statements (KONTOR_QUERY_LOG, db/query-log.ts) as a psql script: each connection's
 * statements in the order it sent them, connection after connection, so that they run alone, one at a
 * time. A read keeps its BEGIN with its settings (one query, as Kontor sends it) and its COMMIT; a
 * write (a session's last use) runs in a transaction that is rolled back.
 */
import { inline, oneQuery, type SqlScript } from '@/bench/sql-replay';
import { isTransactionControl } from '@/bench/types';

export interface LoggedQuery {
  c: number;
  sql: string;
  params: unknown[];
}

export function replayScript(lines: LoggedQuery[]): SqlScript & { statements: number } {
  const byConnection = new Map<number, LoggedQuery[]>();
  for (const q of lines) byConnection.set(q.c, [...(byConnection.get(q.c) ?? []), q]);
  const out: string[] = [];
  let statements = 0;
  for (const queries of byConnection.values()) {
    let inTransaction = false;
    let readOnly = false;
    for (const q of queries) {
      const text = q.sql.trim();
      if (/^start transaction read only;/i.test(text)) {
        out.push(oneQuery(text));
        inTransaction = true;
        readOnly = true;
      } else if (/^(begin|start transaction)\b/i.test(text)) {
        out.push(`${text.replace(/;\s*$/, '')};`);
        inTransaction = true;
        readOnly = false;
      } else if (/^(commit|rollback)\b/i.test(text)) {
        out.push(readOnly ? `${text.replace(/;\s*$/, '')};` : 'rollback;');
        inTransaction = false;
      } else if (!isTransactionControl(text)) {
        statements++;
        const line = `${inline({ sql: text.replace(/;\s*$/, ''), parameters: q.params })};`;
        // A statement outside a transaction that may write: undone after it ran.
        out.push(inTransaction || /^(select|with|show|explain)\b/i.test(text) ? line : `begin;\n${line}\nrollback;`);
      }
    }
    if (inTransaction) out.push('rollback;');
  }
  return { setup: '', body: out.join('\n'), teardown: '', statements };
}
