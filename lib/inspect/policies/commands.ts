/** The commands an API role's access is shown for: no imports, so the access matrix (client) carries no Kysely or catalog SQL. */
export const COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
export type Command = (typeof COMMANDS)[number];
