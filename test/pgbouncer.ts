/**
 * pgbouncer in transaction mode in front of a test cluster, as Supavisor or pgbouncer sit in front of
 * a hosted database: every transaction (or statement outside one) may get another server connection.
 * `server_round_robin` makes that the rule rather than the exception, so that anything that relies on
 * session state across statements (a session advisory lock, SET without LOCAL) breaks in the tests.
 * Debian's `pgbouncer` package (`apt-get install pgbouncer`; .ci/run installs it).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, SUPERUSER, SUPERUSER_PASSWORD } from '@/db/embedded';
import { APP, OWNER } from '@/test/roles';

export const PGBOUNCER = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';

export interface Pooler {
  port: number;
  /** The same database and role as `url`, through the pooler. */
  through: (url: string) => string;
  stop: () => Promise<void>;
}

function waitListening(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`pgbouncer did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts pgbouncer for the cluster on `pgPort`; its files live in `dir`. */
export async function startPgbouncer(opts: { dir: string; pgPort: number }): Promise<Pooler> {
  if (!fs.existsSync(PGBOUNCER)) {
    throw new Error(`${PGBOUNCER} is missing: apt-get install pgbouncer (the tests run edits through it in transaction mode)`);
  }
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const users = [[SUPERUSER, SUPERUSER_PASSWORD], [APP.user, APP.password], [OWNER.user, OWNER.password]];
  fs.writeFileSync(path.join(dir, 'users.txt'), users.map(([u, p]) => `"${u}" "${p}"`).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `* = host=127.0.0.1 port=${opts.pgPort}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = plain',
    `auth_file = ${path.join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    'server_round_robin = 1',
    'default_pool_size = 16',
    // Idle server connections to rotate through from the first query on.
    'min_pool_size = 4',
    'max_client_conn = 500',
    'ignore_startup_parameters = extra_float_digits,options',
    `logfile = ${path.join(dir, 'pgbouncer.log')}`,
    `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
    '',
  ].join('\n'));
  // pgbouncer refuses to run as root: as root, as the `postgres` system user (embedded.ts makes it).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', `${SUPERUSER}:`, dir]);
  const child = spawn(PGBOUNCER, [...(asRoot ? ['-u', SUPERUSER] : []), '-q', path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await Promise.race([waitListening(port, 10_000).then(() => true), exited.then(() => false)]);
  if (!started) {
    const log = fs.existsSync(path.join(dir, 'pgbouncer.log')) ? fs.readFileSync(path.join(dir, 'pgbouncer.log'), 'utf8') : '';
    throw new Error(`pgbouncer exited at start: ${log.slice(-500)}`);
  }
  child.unref();
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  return {
    port,
    through(url: string) {
      const u = new URL(url);
      u.port = String(port);
      return u.toString();
    },
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode !== null) return;
      // Referenced again while it shuts down: an unreferenced child's exit keeps nothing alive, and
      // Node would end the process (with code 0) in the middle of this await.
      child.ref();
      child.kill('SIGINT');
      await exited;
    },
  };
}
