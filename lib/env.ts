/**
 * The one schema of the environment. Everything else imports `env` (server) and never the raw
 * variables, so a misspelt or malformed setting fails at start with a message that names it. The
 * database's variables are declared in db/settings.ts (db/ imports nothing from lib/) and extended here.
 */
import 'server-only';
import { z } from 'zod';
import { databaseUrl, dbSettingsSchema, loadSettings } from '@/db/settings';

export { databaseUrl };

const schema = dbSettingsSchema.extend({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** A name for the environment badge; guessed from the database host when unset. */
  KONTOR_ENV: z.enum(['local', 'development', 'staging', 'production']).optional(),
  /** A console session unused this long ends (lib/auth/server-sessions.ts). */
  KONTOR_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** demo: passwords checked against auth.users here; supabase: Supabase Auth through @supabase/ssr. */
  KONTOR_AUTH: z.enum(['demo', 'supabase']).optional(),
  /** Signs Kontor's own session cookies (demo auth) and preview tokens. At least 32 characters. */
  KONTOR_SECRET: z.string().min(32, { error: 'KONTOR_SECRET must be at least 32 characters' }).optional(),
  /** A mapping preset by name (lib/mapping/presets). Unset: detected from the database's catalog. */
  KONTOR_PRESET: z.string().optional(),
  /** A JSON mapping file (as `kontor detect` prints it); wins over KONTOR_PRESET. */
  KONTOR_MAPPING: z.string().min(1).optional(),
  /** The embedded cluster serves this product's fixture (db/fixtures) instead of the demo. */
  KONTOR_FIXTURE: z.string().regex(/^[a-z0-9-]+$/, { error: 'a fixture folder of db/fixtures, e.g. reigh-2025-08' }).optional(),
  /** Bearer token for /metrics (Prometheus); unset: /metrics answers 401 to everyone. */
  KONTOR_METRICS_TOKEN: z.string().min(16, { error: 'KONTOR_METRICS_TOKEN must be at least 16 characters' }).optional(),
  /** The database-unreachable watchdog pings this often (lib/alerts/watchdog.ts); 0 switches it off. */
  KONTOR_WATCHDOG_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /** Failed pings in a row that make an outage (and its alert). */
  KONTOR_WATCHDOG_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  /** off: this process runs no scheduled job (another instance, or nobody, does). README "The schedule". */
  KONTOR_SCHEDULE: z.enum(['on', 'off']).default('on'),
  /** Per-job cron overrides, `name=cron` separated by `;` (e.g. `snapshot=0,10,20,30,40,50 * * * *;advisors=off`). */
  KONTOR_SCHEDULE_JOBS: z.string().default(''),
  NEXT_PUBLIC_SUPABASE_URL: z.url().optional(),
  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: z.string().optional(),
});

export type Env = z.infer<typeof schema>;

export const env: Env = loadSettings(schema);

export function isEmbedded(): boolean {
  return !env.DATABASE_URL;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * The host node-postgres will connect to for `url`, resolved as its connection-string parser
 * (pg-connection-string) resolves it: a `?host=` parameter wins over the URL's host, a socket: URL or a
 * leading / is a Unix socket; then PGHOST, then localhost. (That parser is not imported here: it
 * requires fs, and this module is bundled everywhere; lib/auth/locality.test.ts holds the two equal.)
 */
export function driverHost(url: string): string {
  if (url.startsWith('/')) return url.split(' ')[0];
  let s = url;
  if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(s)) s = encodeURI(s).replace(/%25(\d\d)/g, '%$1');
  let u: URL;
  let dummy = false;
  try {
    u = new URL(s, 'postgres://base');
  } catch {
    u = new URL(s.replace('@/', '@___DUMMY___/'), 'postgres://base');
    dummy = true;
  }
  if (u.protocol === 'socket:') return decodeURI(u.pathname);
  const hostname = (dummy ? '' : u.hostname).replace(/^\[(.+)\]$/, '$1');
  return u.searchParams.get('host') || decodeURIComponent(hostname) || process.env.PGHOST || 'localhost';
}

/**
 * Local means this machine: the demo accounts are refused anywhere else. Read from where the driver
 * really connects (driverHost); demo sign-in also asks the server its address (lib/auth/demo.ts).
 */
export function isLocalDatabase(url = databaseUrl()): boolean {
  try {
    const host = driverHost(url);
    return LOCAL_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('/');
  } catch {
    return false;
  }
}

export function authMode(): 'demo' | 'supabase' {
  return env.KONTOR_AUTH ?? (env.NEXT_PUBLIC_SUPABASE_URL ? 'supabase' : 'demo');
}

export function environmentName(): NonNullable<Env['KONTOR_ENV']> {
  if (env.KONTOR_ENV) return env.KONTOR_ENV;
  if (isEmbedded()) return 'local';
  return isLocalDatabase() ? 'development' : 'production';
}
