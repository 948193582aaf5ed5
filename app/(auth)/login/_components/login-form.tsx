'use client';

import { useActionState } from 'react';
import { clsx } from 'clsx';
import { Button } from '@/components/ui/button';
import { signInAction } from '@/app/(auth)/login/actions';
import { INITIAL_SIGN_IN_STATE } from '@/app/(auth)/login/_lib/sign-in-state';

const INPUT =
  'mt-1 block w-full rounded-md border border-line bg-surface px-3 py-2 text-base text-ink shadow-xs ' +
  'placeholder:text-ink-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus ' +
  'aria-invalid:border-danger dark:shadow-none sm:text-sm';

function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-danger">
      {messages[0]}
    </p>
  );
}

export function LoginForm({ next }: { next: string }) {
  const [state, formAction, pending] = useActionState(signInAction, INITIAL_SIGN_IN_STATE);
  const emailError = state.fieldErrors?.email;
  const passwordError = state.fieldErrors?.password;

  return (
    <form action={formAction} noValidate className="space-y-5" aria-describedby={state.error ? 'sign-in-error' : undefined}>
      <input type="hidden" name="next" value={next} />
      <div>
        <label htmlFor="email" className="block text-sm font-medium">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          required
          autoFocus
          defaultValue={state.email}
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? 'email-error' : undefined}
          className={INPUT}
        />
        <FieldError id="email-error" messages={emailError} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={passwordError ? true : undefined}
          aria-describedby={passwordError ? 'password-error' : undefined}
          className={INPUT}
        />
        <FieldError id="password-error" messages={passwordError} />
      </div>
      {/* Keyed by attempt: a second refusal with the same words is announced again. */}
      <div key={state.attempt} role="alert" id="sign-in-error">
        {state.error ? (
          <p className="rounded-md border border-danger/40 bg-danger-surface px-3 py-2 text-sm text-ink">{state.error}</p>
        ) : null}
      </div>
      <Button type="submit" disabled={pending} className={clsx('w-full py-2 text-base sm:text-sm')}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
