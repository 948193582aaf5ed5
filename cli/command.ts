import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';

export interface Command {
  summary: string;
  run: (ctx: { db: Kysely<KontorDatabase>; json: boolean; args: string[] }) => Promise<number>;
}

/** Prints `data` as JSON for scripts, or `text` for people (a function: built only when printed). */
export function out(json: boolean, data: unknown, text: string | (() => string)) {
  console.log(json ? JSON.stringify(data, null, 2) : typeof text === 'function' ? text() : text);
}
