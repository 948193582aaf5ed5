import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Notice } from '@/components/ui/notice';
import { safeNextPath } from '@/lib/auth/redirect';
import { getStaff, signInSetup } from '@/lib/auth/server';
import { LoginForm } from '@/app/(auth)/login/_components/login-form';

export const metadata: Metadata = { title: 'Sign in' };

async function signedInStaff() {
  try {
    return await getStaff();
  } catch {
    return null; // database or Auth server down: the form still shows, and sign-in reports the problem
  }
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next: rawNext } = await searchParams;
  const next = safeNextPath(typeof rawNext === 'string' ? rawNext : undefined);
  if (await signedInStaff()) redirect(next);
  const setup = signInSetup();

  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-lg font-bold tracking-tight">Kontor</p>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Sign in</h1>
          <p className="mt-1 text-sm text-ink-muted">
            {setup.mode === 'supabase' ? 'With your Supabase account.' : 'With a demo staff account.'}
          </p>
        </div>
        <div className="rounded-lg border border-line bg-surface p-6 shadow-sm dark:shadow-none">
          {setup.blocked ? (
            <Notice tone="warn" title="Sign-in is unavailable">
              {setup.blocked}
            </Notice>
          ) : (
            <LoginForm next={next} />
          )}
        </div>
        {setup.demo ? (
          <section aria-labelledby="demo-accounts" className="rounded-lg border border-line bg-surface-muted p-4 text-sm">
            <h2 id="demo-accounts" className="font-semibold">
              Demo accounts
            </h2>
            <p className="mt-1 text-ink-muted">
              One per role, password <code>{setup.demo.password}</code>. They exist in the embedded demo database only.
            </p>
            <ul className="mt-2 space-y-1">
              {setup.demo.accounts.map((a) => (
                <li key={a.email} className="flex justify-between gap-3">
                  <span className="font-mono">{a.email}</span>
                  <span className="capitalize text-ink-muted">{a.role}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </main>
  );
}
