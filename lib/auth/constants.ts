/** Names shared by proxy.ts and the server code; kept apart so proxy.ts pulls in nothing heavier. */
export const DEMO_SESSION_COOKIE = 'kontor-session';

/** proxy.ts puts the requested path here (overwriting any sent by the client) for the `next=` redirect. */
export const PATH_HEADER = 'x-kontor-path';

/** The server-side session's token (lib/auth/server-sessions.ts), beside either sign-in's own cookie. */
export const SERVER_SESSION_COOKIE = 'kontor-sid';
