'use client';
/** The test-as-user form, its results per command and a sample, and "why not?" for one row. */
import { useId, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { useHydrated } from '@/components/use-hydrated';
import type { ActionResult } from '@/lib/guard/action-result';
import type { TestAsUserResult, WhyNotResult } from '@/lib/inspect/policies/test-as-user';
import { testAsUserAction, whyNotAction } from '@/app/(console)/database/access/actions';
import { WhyNotView } from '@/app/(console)/database/access/_components/why-not-view';
import { Tag } from '@/components/ui/tag';
import { formatCount } from '@/lib/format';

const field = 'rounded-md border border-line bg-surface px-3 py-1.5 text-sm';
const KIND = { all: 'all rows', conditional: 'conditional', denied: 'denied' } as const;

type Errors = Record<string, string[] | undefined>;

function Field({ label, error, children, id }: { label: string; error?: string[]; children: ReactNode; id: string }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">{label}</label>
      {children}
      {error?.length ? <p id={`${id}-error`} className="text-sm text-danger">{error[0]}</p> : null}
    </div>
  );
}

export function TestAsUserForm({ roles, tables }: { roles: string[]; tables: string[] }) {
  const ids = { role: useId(), user: useId(), table: useId(), reason: useId(), key: useId(), list: useId() };
  const [role, setRole] = useState(roles.includes('authenticated') ? 'authenticated' : roles[0] ?? '');
  const [user, setUser] = useState('');
  const [table, setTable] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState('');
  const [pending, setPending] = useState<'test' | 'why' | null>(null);
  const hydrated = useHydrated();
  const [test, setTest] = useState<ActionResult<TestAsUserResult> | null>(null);
  const [why, setWhy] = useState<ActionResult<WhyNotResult> | null>(null);
  const input = { role, user: user.trim() || undefined, table: table.trim(), reason };
  const errors: Errors = { ...(test && !test.ok ? test.fieldErrors : {}), ...(why && !why.ok ? why.fieldErrors : {}) };
  const aria = (name: string, id: string) => (errors[name]?.length ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {});

  async function runTest() {
    setPending('test');
    setWhy(null);
    try {
      setTest(await testAsUserAction(input));
    } finally {
      setPending(null);
    }
  }

  async function runWhy() {
    setPending('why');
    try {
      setWhy(await whyNotAction({ ...input, key: key.trim() }));
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="space-y-6">
      <form
        aria-label="Test as a user"
        method="post"
        className="space-y-4 rounded-lg border border-line bg-surface p-4"
        onSubmit={(e) => {
          e.preventDefault();
          void runTest();
        }}
      >
        <div className="flex flex-wrap items-start gap-4">
          <Field label="API role" id={ids.role} error={errors.role}>
            <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value)} className={field} {...aria('role', ids.role)}>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </Field>
          <Field label="User (email or id)" id={ids.user} error={errors.user}>
            <input id={ids.user} value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" placeholder={role === 'anon' ? 'none for anon' : 'ada@example.com'} className={`${field} w-72`} {...aria('user', ids.user)} />
          </Field>
          <Field label="Table" id={ids.table} error={errors.table}>
            <input id={ids.table} list={ids.list} value={table} onChange={(e) => setTable(e.target.value)} autoComplete="off" placeholder="public.tasks" className={`${field} w-64 font-mono`} {...aria('table', ids.table)} />
            <datalist id={ids.list}>{tables.map((t) => <option key={t} value={t} />)}</datalist>
          </Field>
        </div>
        <Field label="Reason (kept in the audit log; a sentence, at least 3 words)" id={ids.reason} error={errors.reason}>
          <textarea id={ids.reason} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} className={`${field} w-full max-w-2xl`} {...aria('reason', ids.reason)} />
        </Field>
        <Button type="submit" disabled={!hydrated || pending !== null}>{pending === 'test' ? 'Testing…' : 'Run the test'}</Button>
      </form>

      {test && !test.ok ? <Notice tone="danger" title="The test did not run" live>{test.error}</Notice> : null}
      {test?.ok ? <TestResult result={test.data} /> : null}

      {test?.ok ? (
        <section aria-labelledby={`${ids.key}-title`} className="space-y-3">
          <h2 id={`${ids.key}-title`} className="text-lg font-semibold">Why not? One row, policy by policy</h2>
          <p className="text-sm text-ink-muted">
            Name a row of {test.data.table} by its primary key{test.data.key ? ` (${test.data.key})` : ''}: each policy&apos;s USING and WITH
            CHECK is evaluated for {test.data.user.email ?? 'anon'} and that row, with the grant check and the verdict per
            command. Also recorded in the audit log, with the reason above.
          </p>
          <form
            aria-label="Why not"
            method="post"
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              void runWhy();
            }}
          >
            <Field label="Row key" id={ids.key} error={errors.key}>
              <input id={ids.key} value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" className={`${field} w-96 font-mono`} {...aria('key', ids.key)} />
            </Field>
            <Button type="submit" variant="secondary" disabled={!hydrated || pending !== null || !key.trim()}>{pending === 'why' ? 'Checking…' : 'Why not?'}</Button>
          </form>
          {why && !why.ok ? <Notice tone="danger" title="No answer" live>{why.error}</Notice> : null}
          {why?.ok ? <WhyNotView result={why.data} /> : null}
        </section>
      ) : null}
    </div>
  );
}

function TestResult({ result }: { result: TestAsUserResult }) {
  const columns = result.sample.length ? Object.keys(result.sample[0]) : [];
  return (
    <section aria-labelledby="test-result-title" className="space-y-4">
      <h2 id="test-result-title" className="text-lg font-semibold">
        {result.user.email ?? 'anon'} as {result.role} on <span className="font-mono">{result.table}</span>
      </h2>
      <div role="group" aria-label="Access per command" tabIndex={0} className="overflow-x-auto rounded-lg border border-line bg-surface focus-visible:outline-2 focus-visible:outline-focus">
        <table className="w-full text-sm">
          <caption className="sr-only">What the user reaches, per command</caption>
          <thead className="bg-surface-muted text-xs uppercase tracking-wide text-ink-muted">
            <tr>
              <th scope="col" className="px-4 py-2 text-start">Command</th>
              <th scope="col" className="px-4 py-2 text-start">Access</th>
              <th scope="col" className="px-4 py-2 text-end">Rows reached</th>
              <th scope="col" className="px-4 py-2 text-start">Why</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {result.commands.map((c) => (
              <tr key={c.command}>
                <th scope="row" className="px-4 py-2 text-start font-mono font-medium">{c.command}</th>
                <td className="px-4 py-2"><Tag tone={c.access.kind === 'denied' ? 'muted' : c.access.kind === 'all' ? 'ok' : 'warn'}>{KIND[c.access.kind]}</Tag></td>
                <td className="px-4 py-2 text-end tabular-nums">{c.rows === null ? 'new rows' : `${formatCount(c.rows)}${c.capped ? '+' : ''}`}</td>
                <td className="px-4 py-2 text-ink-muted">{c.access.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {columns.length ? (
        <div role="group" aria-label="Sample rows" tabIndex={0} className="overflow-x-auto rounded-lg border border-line bg-surface focus-visible:outline-2 focus-visible:outline-focus">
          <table className="w-full text-xs">
            <caption className="px-4 py-2 text-start text-sm font-medium">Sample of the rows they can read (secret-looking columns hidden)</caption>
            <thead className="bg-surface-muted text-ink-muted">
              <tr>{columns.map((c) => <th key={c} scope="col" className="px-3 py-2 text-start font-mono">{c}</th>)}</tr>
            </thead>
            <tbody className="divide-y divide-line">
              {result.sample.map((row, i) => (
                <tr key={i}>{columns.map((c) => <td key={c} className="px-3 py-1.5 font-mono">{row[c]}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-ink-muted">They can read no row of this table.</p>
      )}
    </section>
  );
}
