/**
 * The database's part of Kontor's environment: where the product database is and how the pools and
 * transactions behave. Its own module so that db/ depends on nothing in lib/; lib/env.ts extends this
 * schema with the rest of the configuration, so the variables are still declared, and fail, in one
 * schema.
 */
import 'server-only';
import { z } from 'zod';

export const dbSettingsSchema = z.object({
  /** The product database. Unset: the embedded demo that `npm run dev` starts. */
  DATABASE_URL: z.url({ error: 'DATABASE_URL must be a postgres:// URL' }).optional(),
  /** Set by the launcher for the embedded demo; not for users. */
  KONTOR_EMBEDDED_URL: z.string().optional(),
  KONTOR_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  KONTOR_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  KONTOR_LOCK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** Connections of the second pool, for CSV exports and reconciliations (db/index.ts, getLongReadPool). */
  KONTOR_LONG_READS: z.coerce.number().int().min(1).max(50).default(3),
  /** How long a long read waits for one of them before it is told Kontor is busy. */
  KONTOR_LONG_READ_WAIT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Bench only: every statement the pools send is appended to this file (db/query-log.ts). Never in production. */
  KONTOR_QUERY_LOG: z.string().min(1).optional(),
});

export type DbSettings = z.infer<typeof dbSettingsSchema>;

/** Parses `schema` from the environment, or stops with every bad variable named. */
export function loadSettings<S extends z.ZodType>(schema: S): z.infer<S> {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Kontor's configuration is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const dbSettings: DbSettings = loadSettings(dbSettingsSchema);

/** The database Kontor works on: the configured one, else the embedded demo. */
export function databaseUrl(): string {
  // KONTOR_EMBEDDED_URL is read again: the launcher may set it after this module was loaded.
  const url = dbSettings.DATABASE_URL ?? dbSettings.KONTOR_EMBEDDED_URL ?? process.env.KONTOR_EMBEDDED_URL;
  if (!url) {
    throw new Error(
      'No database: set DATABASE_URL, or start Kontor with `npm run dev` / `npm start`, which run the embedded demo.',
    );
  }
  return url;
}
