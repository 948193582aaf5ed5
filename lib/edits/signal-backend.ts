/**
 * The Activity page's guarded edit: cancel a session's running query, or terminate the session.
 *
 * pg_cancel_backend / pg_terminate_backend act at once and cannot be rolled back, while the kernel
 * previews an edit by running it in a transaction it rolls back. So `apply` does not signal: it
 * queues the signal in a temporary table whose deferred constraint trigger sends it when the
 * transaction commits. The preview's rollback discards it; the commit sends it together with the
 * audit row. Only temporary objects are created (dropped at commit), nothing in any schema.
 */
import 'server-only';
import { sql } from 'kysely';
import { z } from 'zod';
import { GuardError } from '@/lib/guard/errors';
import { catalogEdit } from '@/lib/edits/define';
import { maskedQuery } from '@/lib/inspect/mask';

const input = z.strictObject({
  pid: z.coerce.number().int().positive(),
  mode: z.enum(['cancel', 'terminate']),
});

export type SignalInput = z.infer<typeof input>;

interface SessionView {
  pid: number;
  role: string | null;
  application: string;
  state: string;
  query: string;
}

export const signalBackend = catalogEdit('database.signalBackend', {
  input,
  async load(trx, i) {
    // The version names this session (pids are reused) and, for a cancel, this query: a different
    // query by commit time would be cancelled by mistake, so it makes the preview stale instead.
    const { rows } = await sql<SessionView & { version: string }>`
      select a.pid, a.usename::text as role, coalesce(nullif(a.application_name, ''), '(none)') as application,
             coalesce(a.state, 'unknown') as state, left(${maskedQuery(sql.ref('a.query'))}, 300) as query,
             md5(a.pid || ':' || a.backend_start::text || ':' || ${i.mode === 'cancel' ? sql`coalesce(a.query_start::text, '')` : sql`''`}) as version
        from pg_catalog.pg_stat_activity a
       where a.pid = ${i.pid} and a.backend_type = 'client backend'`.execute(trx);
    const s = rows[0];
    if (!s) throw new GuardError('invalid', `No client session with pid ${i.pid} is running now.`, { pid: ['no such session'] });
    const own = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
    if (own.rows[0].pid === i.pid) throw new GuardError('invalid', "That is Kontor's own session.", { pid: ['Kontor itself'] });
    const { version, ...before } = s;
    return { target: { type: 'database session', id: String(s.pid) }, rows: [{ key: `session:${s.pid}`, version }], before };
  },
  async apply(trx, i, loaded) {
    await sql`create temp table if not exists kontor_backend_signal (pid int not null, mode text not null) on commit drop`.execute(trx);
    await sql.raw(`
      create or replace function pg_temp.kontor_backend_signal() returns trigger language plpgsql as $$
      begin
        if new.mode = 'terminate' then perform pg_terminate_backend(new.pid); else perform pg_cancel_backend(new.pid); end if;
        return null;
      end $$`).execute(trx);
    await sql.raw(`
      create constraint trigger kontor_backend_signal after insert on pg_temp.kontor_backend_signal
      deferrable initially deferred for each row execute function pg_temp.kontor_backend_signal()`).execute(trx);
    await sql`insert into pg_temp.kontor_backend_signal (pid, mode) values (${i.pid}, ${i.mode})`.execute(trx);
    const before = loaded.before as SessionView;
    return {
      after: { ...before, state: i.mode === 'cancel' ? 'query cancelled' : 'terminated' },
      result: { pid: i.pid, mode: i.mode },
    };
  },
});
