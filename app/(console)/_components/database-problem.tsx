import type { ConsoleHealth } from '@/app/(console)/_lib/health';
import { EnvironmentBadge } from '@/components/ui/environment-badge';

type Problem = Extract<ConsoleHealth, { ok: false }>;

function explain(p: Problem): { title: string; body: React.ReactNode } {
  const where = p.database ? (
    <>
      {' '}(<span className="font-mono">{p.database.name}</span> on <span className="font-mono">{p.database.host}</span>)
    </>
  ) : null;
  switch (p.kind) {
    case 'unreachable':
      return {
        title: 'The database does not answer',
        body: (
          <>
            <p>Kontor cannot reach its database{where}. {p.message}</p>
            <p>Check that the server is running and reachable from here, and that <code>DATABASE_URL</code> points at it. With the embedded demo, restart <code>npm run dev</code>. This page recovers by itself: reload once the database is back.</p>
          </>
        ),
      };
    case 'auth':
      return {
        title: "The database refuses Kontor's role",
        body: (
          <>
            <p>The database{where} rejected the sign-in of the role in <code>DATABASE_URL</code>. {p.message}</p>
            <p>Check the user name and password in <code>DATABASE_URL</code>, and that the role may log in.</p>
          </>
        ),
      };
    case 'timeout':
      return {
        title: 'The database is too slow to answer',
        body: (
          <>
            <p>A simple query to the database{where} ran past its timeout. {p.message}</p>
            <p>The server may be overloaded or waiting on locks. Reload in a moment; if it persists, look at the server&apos;s activity.</p>
          </>
        ),
      };
    case 'schema-missing':
      return {
        title: "Kontor's schema is missing in this database",
        body: (
          <>
            <p>The database{where} answers, but has no <code>kontor</code> schema, where Kontor keeps its staff list and audit log.</p>
            <p>Create it with <code>npm run kontor -- migrate</code>, then reload.</p>
          </>
        ),
      };
    case 'schema-behind':
      return {
        title: "Kontor's schema is out of date",
        body: (
          <>
            <p>The <code>kontor</code> schema in this database{where} lacks migrations this version of Kontor needs: {p.detail}.</p>
            <p>Apply them with <code>npm run kontor -- migrate</code>, then reload.</p>
          </>
        ),
      };
    case 'misconfigured':
      return {
        title: "Kontor's configuration is incomplete",
        body: (
          <>
            <p className="whitespace-pre-line">{p.message}</p>
            <p>Fix the setting and restart Kontor.</p>
          </>
        ),
      };
    default:
      return {
        title: 'The database answered with an error',
        body: (
          <>
            <p>Checking the database{where} failed: {p.message} The server log has the details.</p>
            <p>Reload to try again.</p>
          </>
        ),
      };
  }
}

/** Shown instead of the console when the database is not usable; says which problem and what to do. */
export function DatabaseProblem({ problem }: { problem: Problem }) {
  const { title, body } = explain(problem);
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-2xl flex-col justify-center gap-4 p-6 md:p-10">
      {problem.database ? (
        <p>
          <EnvironmentBadge name={problem.database.environment} />
        </p>
      ) : null}
      <div role="alert" className="space-y-4 rounded-xl border border-danger/40 bg-surface p-6 shadow-sm">
        <h1 className="text-xl font-semibold text-danger">{title}</h1>
        <div className="space-y-3 leading-relaxed">{body}</div>
      </div>
    </main>
  );
}
