/**
 * Kontor's command line: `npm run kontor -- <command> [--json]`. Works on the same database as the
 * console (DATABASE_URL, else the embedded demo). Exit codes: 0 ok, 1 failure or findings, 2 usage.
 */
import { ensureDatabase } from '@/db/runtime';
import { migrateToLatest, schemaStatus } from '@/db/migrate';
import { staffCommand } from '@/cli/staff';
import { auditCommand } from '@/cli/audit';
import { lintCommand } from '@/cli/lint';
import { inspectCommand } from '@/cli/inspect';
import { snapshotCommand } from '@/cli/snapshot';
import { reconcileCommand } from '@/cli/reconcile';
import { rollupCommand } from '@/cli/rollup';
import { tasksCommand } from '@/cli/tasks';
import { alertsCommand } from '@/cli/alerts';
import { detectCommand } from '@/cli/detect';
import { jobsCommand } from '@/cli/jobs';
import { MappingConfigError, resolveActiveMapping } from '@/lib/mapping';
import { out, parseCommandArgs, type Command } from '@/cli/command';
import { createDb } from '@/db/connect';

export const COMMANDS: Record<string, Command> = {
  inspect: inspectCommand,
  snapshot: snapshotCommand,
  tasks: tasksCommand,
  alerts: alertsCommand,
  detect: detectCommand,
  reconcile: reconcileCommand,
  rollup: rollupCommand,
  staff: staffCommand,
  audit: auditCommand,
  lint: lintCommand,
  jobs: jobsCommand,
  migrate: {
    summary: "create or update Kontor's own schema `kontor` (Kysely migrations)",
    async run({ db, json }) {
      const { error, results = [] } = await migrateToLatest(db);
      const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      const failed = results.find((r) => r.status === 'Error');
      if (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (json) out(true, { ok: false, applied, failed: failed?.migrationName ?? null, error: message }, '');
        console.error(`kontor migrate: ${failed ? `migration ${failed.migrationName} failed: ` : ''}${message}`);
        return 1;
      }
      out(json, { ok: true, applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'The kontor schema is up to date.');
      return 0;
    },
  },
  status: {
    summary: "say whether Kontor's schema is missing, behind or current",
    async run({ db, json }) {
      const status = await schemaStatus(db);
      const text = {
        current: 'The kontor schema is current.',
        missing: 'The kontor schema is missing: run `npm run kontor -- migrate`.',
        behind: `The kontor schema is behind (pending: ${'pending' in status ? status.pending.join(', ') : ''}): run \`npm run kontor -- migrate\`.`,
        ahead: 'The kontor schema has migrations this Kontor does not know: upgrade Kontor.',
      }[status.state];
      out(json, status, text);
      return status.state === 'current' ? 0 : 1;
    },
  },
};

/**
 * Commands that work without the product's mapping (and help to fix it): lint and inspect read the
 * catalog only, and detection would cost them seconds on a large catalog.
 */
const MAPPING_FREE = new Set(['detect', 'migrate', 'status', 'staff', 'audit', 'lint', 'inspect']);

function usage() {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`);
  return `usage: npm run kontor -- <command> [--json]\n\ncommands:\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const at = argv.findIndex((a) => a !== '--json');
  const name = at < 0 ? undefined : argv[at];
  if (!name || name === 'help' || name === '--help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`kontor: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // Options are parsed (node:util parseArgs) before anything connects: a usage error runs nothing.
  const parsed = parseCommandArgs(command, argv.filter((_, i) => i !== at));
  if ('error' in parsed) {
    console.error(`kontor ${name}: ${parsed.error}`);
    return 2;
  }
  const resolved = await ensureDatabase({ log: (l) => console.error(`[kontor] ${l}`) });
  // Three connections: the work that splits over lanes (reconcile --full, lint) uses them at once.
  const db = createDb(resolved.url, { max: 3, applicationName: 'kontor-cli' });
  try {
    // The mapping every command reads through: configured (and checked against the database), or detected.
    if (!MAPPING_FREE.has(name)) {
      try {
        await resolveActiveMapping(db);
      } catch (err) {
        if (!(err instanceof MappingConfigError)) throw err;
        console.error(`kontor: ${err.message}`);
        return 1;
      }
    }
    return await command.run({ db, ...parsed });
  } finally {
    await db.destroy();
    await resolved.cluster?.stop();
  }
}

/**
 * Resolves once what was written to the stream has been handed to the OS. On a pipe, Node writes what
 * the pipe takes (64 KB) and queues the rest; process.exit would drop the queue, cutting a large --json
 * document. The callback of an empty write runs after every write queued before it. A reader that has
 * gone away (`| head`) ends the wait with EPIPE, which is not an error of ours.
 */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    stream.write('', () => resolve());
  });
}

for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

async function exit(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err: Error & { code?: string }) => {
    const hint = err.code === 'ECONNREFUSED' ? ' (is the database running? check DATABASE_URL)' : '';
    console.error(`kontor: ${err.message}${hint}`);
    return exit(1);
  },
);
