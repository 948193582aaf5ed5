/** Limits of the text staff type into edits, for the forms that show them (client) and the schemas that check them
 * (lib/guard/text.ts). No imports: a client component may import this. */
export const REASON_MAX_CHARS = 1000;
