/**
 * Once per request (React cache), before any chrome or page: does the database answer, and is
 * Kontor's schema current? Never cached across requests, so the console recovers by itself when the
 * database comes back.
 */
import 'server-only';
import { cache } from 'react';
import type { Kysely } from 'kysely';
import { connection } from 'next/server';
import { read } from '@/db/index';
import { sharedRead } from '@/lib/shared-read';
import { KontorDbError } from '@/db/errors';
import { schemaStatus, type SchemaStatus } from '@/db/migrate';
import { databaseUrl, environmentName, isEmbedded } from '@/lib/env';
import { getDatabaseIdentity } from '@/lib/inspect/overview';
import { configuredMapping, MappingConfigError, resolveActiveMapping } from '@/lib/mapping';

export interface DatabaseLabel {
  /** current_database(), or the URL's database name when the server did not answer. */
  name: string;
  /** host:port from the URL; never the user or password. */
  host: string;
  embedded: boolean;
  environment: ReturnType<typeof environmentName>;
  serverVersion?: string;
}

export type ProblemKind =
  | 'unreachable' | 'auth' | 'timeout' | 'schema-missing' | 'schema-behind' | 'misconfigured' | 'other';

export type ConsoleHealth =
  | { ok: true; database: DatabaseLabel; schema: SchemaStatus }
  | { ok: false; kind: ProblemKind; database?: DatabaseLabel; message: string; detail?: string };

function labelFromUrl(): DatabaseLabel {
  const url = new URL(databaseUrl());
  return {
    name: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    host: url.port ? `${url.hostname}:${url.port}` : url.hostname || 'local socket',
    embedded: isEmbedded(),
    environment: environmentName(),
  };
}

export const getConsoleHealth = cache(async (): Promise<ConsoleHealth> => {
  await connection(); // a health check is never prerendered at build time
  let database: DatabaseLabel;
  try {
    database = labelFromUrl();
    configuredMapping(); // an unknown KONTOR_PRESET or a bad KONTOR_MAPPING file is a configuration problem, said here once
  } catch (err) {
    return { ok: false, kind: 'misconfigured', message: (err as Error).message };
  }
  try {
    // Every page asks this first: concurrent requests share one check, and an answer is kept 2 s.
    const { identity, schema } = await sharedRead(`health:${databaseUrl()}`, () => read(async (trx) => ({
      identity: await getDatabaseIdentity(trx),
      // schemaStatus is typed for Kysely<unknown>; a transaction of any schema runs it the same.
      schema: await schemaStatus(trx as unknown as Kysely<unknown>),
      // A configured mapping naming a missing table or column stops the console here, named; without
      // one, detection runs once per process and every page reads through its guess.
      mapping: await resolveActiveMapping(trx),
    })), { ttlMs: 2000 });
    database = { ...database, name: identity.name, serverVersion: identity.serverVersion };
    if (schema.state === 'missing') return { ok: false, kind: 'schema-missing', database, message: '' };
    if (schema.state === 'behind') {
      return { ok: false, kind: 'schema-behind', database, message: '', detail: schema.pending.join(', ') };
    }
    return { ok: true, database, schema };
  } catch (err) {
    if (err instanceof MappingConfigError) return { ok: false, kind: 'misconfigured', database, message: err.message };
    if (err instanceof KontorDbError && ['unreachable', 'auth', 'timeout'].includes(err.kind)) {
      return { ok: false, kind: err.kind as ProblemKind, database, message: err.message };
    }
    console.error('[kontor] database health check failed', err);
    const code = (err as { code?: string }).code;
    return { ok: false, kind: 'other', database, message: code ? `Postgres error ${code}.` : 'An unexpected error.' };
  }
});
