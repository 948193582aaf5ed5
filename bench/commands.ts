/**
 * The CLI commands the benchmark times in process: the same Command objects `npm run kontor` runs,
 * with their printing silenced, so the time is the command's work (queries and shaping), not the
 * terminal's.
 */
import type { Kysely } from 'kysely';
import type { KontorDatabase } from '@/db/types';
import { inspectCommand } from '@/cli/inspect';
import { snapshotCommand } from '@/cli/snapshot';

function quietly(run: () => Promise<number>) {
  return async () => {
    const log = console.log;
    console.log = () => undefined;
    try {
      return await run();
    } finally {
      console.log = log;
    }
  };
}

type Run = (db: Kysely<KontorDatabase>) => Promise<number>;

/** [name, run, writes]: `snapshot` writes (to kontor.snapshots), the others only read. */
export const COMMANDS_FOR_BENCH: [string, Run, boolean][] = [
  ...(['tables', 'indexes', 'activity', 'queries'] as const).map((sub): [string, Run, boolean] => [
    `inspect ${sub} --json`,
    (db) => quietly(() => inspectCommand.run({ db, json: true, args: [sub], values: {} }))(),
    false,
  ]),
  ['snapshot --json', (db) => quietly(() => snapshotCommand.run({ db, json: true, args: [], values: {} }))(), true],
];
