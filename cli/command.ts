import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Command {
  summary: string;
  /** The command's --options, as node:util parseArgs declares them (--json is every command's). */
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Said after a malformed option ("--fail-on takes error or warning"). */
  usage?: string;
  /** `args`: the positionals after the command's name; `values`: its parsed options. */
  run: (ctx: { db: Kysely<KontorDatabase>; json: boolean; args: string[]; values: OptionValues }) => Promise<number>;
}

/** The command's positionals and options from what followed its name, or the usage error to print. */
export function parseCommandArgs(command: Command, argv: string[]): { json: boolean; args: string[]; values: OptionValues } | { error: string } {
  try {
    const { values, positionals } = parseArgs({
      args: argv, options: { json: { type: 'boolean' }, ...command.options }, allowPositionals: true, strict: true,
    });
    const { json = false, ...rest } = values as OptionValues;
    return { json: json === true, args: positionals, values: rest };
  } catch (err) {
    return { error: `${(err as Error).message}${command.usage ? ` (${command.usage})` : ''}` };
  }
}

/** Prints `data` as JSON for scripts, or `text` for people (a function: built only when printed). */
export function out(json: boolean, data: unknown, text: string | (() => string)) {
  console.log(json ? JSON.stringify(data, null, 2) : typeof text === 'function' ? text() : text);
}
