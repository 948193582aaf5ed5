/**
 * Whether a page a person asked for failed them: an error status, the console's error boundary
 * (app/(console)/error.tsx), a timeout's message in a section, Kontor busy, or no answer at all.
 * Read from the HTML the server streamed, so it counts what the person would have seen.
 */
const SIGNS: [RegExp, string][] = [
  [/could not be shown/, 'error boundary (an area\'s error.tsx)'],
  [/longer than the statement timeout/, 'statement timeout shown'],
  [/waited too long for a lock/, 'lock timeout shown'],
  [/Kontor is busy/, 'busy shown'],
  [/The read failed unexpectedly/, 'read failed shown'],
];

export function failureOf(status: number, body: string): string | null {
  if (status === 0) return `no answer (${body.slice(0, 80)})`;
  if (status >= 300 && status < 400) return `redirected (${status}): not signed in?`;
  if (status >= 400) return `HTTP ${status}`;
  const found = SIGNS.filter(([re]) => re.test(body)).map(([, what]) => what);
  return found.length ? found.join(', ') : null;
}
