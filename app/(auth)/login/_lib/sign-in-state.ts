/** The login form's answer and its first state: no imports, so the form (client) carries no zod. */
export interface SignInState {
  error?: string;
  fieldErrors?: { email?: string[]; password?: string[] };
  /** Typed email, kept so a refused attempt does not empty the field. */
  email: string;
  /** Counts refusals, so the same message is announced again on the next one. */
  attempt: number;
}

export const INITIAL_SIGN_IN_STATE: SignInState = { email: '', attempt: 0 };
