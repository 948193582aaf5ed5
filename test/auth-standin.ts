/**
 * A stand-in for Supabase Auth (GoTrue) for the tests: the part of its HTTP API that supabase-js and
 * @supabase/ssr call, on 127.0.0.1, checking passwords against auth.users in a given database.
 *
 *   GET  /auth/v1/.well-known/jwks.json         the ES256 public key (getClaims verifies against it)
 *   POST /auth/v1/token?grant_type=password      { email, password } -> session
 *   POST /auth/v1/token?grant_type=refresh_token { refresh_token } -> session (single use, rotated)
 *   GET  /auth/v1/user                           Bearer access token -> user (checks the session lives)
 *   POST /auth/v1/logout?scope=global|local|others
 *
 * Responses carry `x-supabase-api-version: 2024-01-01` so auth-js reads error codes as it does from GoTrue.
 * The project URL is http://127.0.0.1:<port>, so auth-js's storage key is `sb-127-auth-token`.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { createChunks, stringToBase64URL } from '@supabase/ssr';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF } from '@/db/demo/accounts';
import { migrateToLatest } from '@/db/migrate';
import type { KontorDatabase, StaffRole } from '@/db/types';
import type { CookieJar, CookieToSet } from '@/lib/auth/supabase';
import { demoDatabase, emptyDatabase, type TestDatabase } from '@/test/db';
import { createDb } from '@/db/connect';

export interface GoTrueUser {
  id: string;
  aud: 'authenticated';
  role: 'authenticated';
  email: string;
  email_confirmed_at: string;
  phone: string;
  app_metadata: { provider: string; providers: string[] };
  user_metadata: Record<string, unknown>;
  identities: unknown[];
  created_at: string;
  updated_at: string;
  is_anonymous: boolean;
}

export interface GoTrueSession {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: GoTrueUser;
}

export interface MintOptions {
  userId: string;
  email: string;
  /** Seconds until the access token expires; negative mints one that has already expired. */
  expiresIn?: number;
  /** Whether the refresh token is one the stand-in will honour. */
  refreshable?: boolean;
  /** Sign with a key the JWKS does not hold (but the same kid): a forgery. */
  foreignKey?: boolean;
  /** Put this in user_metadata (and so in the cookie): to make the cookie big enough to chunk. */
  userMetadata?: Record<string, unknown>;
}

export interface AuthStandin {
  /** The project URL: what NEXT_PUBLIC_SUPABASE_URL would be. */
  url: string;
  publishableKey: string;
  /** The cookie (storage) key auth-js derives from `url`. */
  storageKey: string;
  kid: string;
  /** Method and path of every request, in order ("POST /auth/v1/token?grant_type=password"). */
  requests: string[];
  mintSession(options: MintOptions): Promise<GoTrueSession>;
  /** The cookies @supabase/ssr would write for this session (base64- prefixed, chunked past 3180 chars). */
  sessionCookies(session: GoTrueSession): { name: string; value: string }[];
  /** Ends every session of a user, as a sign-out elsewhere or an admin would. */
  revokeUser(userId: string): void;
  stop(): Promise<void>;
}

interface SessionState {
  userId: string;
  email: string;
  revoked: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function randomToken(bytes = 16) {
  return crypto.randomBytes(bytes).toString('base64url');
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += chunk;
  if (!body) return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'bad_json', 'Could not parse request body as JSON');
  }
}

export async function startAuthStandin({
  databaseUrl,
  publishableKey = 'sb_publishable_standin',
  accessTokenTtl = 3600,
}: {
  databaseUrl: string;
  publishableKey?: string;
  accessTokenTtl?: number;
}): Promise<AuthStandin> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const foreign = await generateKeyPair('ES256');
  const kid = randomToken(8);
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] };

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const sessions = new Map<string, SessionState>();
  const refreshTokens = new Map<string, { sessionId: string; used: boolean }>();
  const requests: string[] = [];
  let url = '';

  function userJson(id: string, email: string, metadata: Record<string, unknown> = {}): GoTrueUser {
    const at = new Date(0).toISOString();
    return {
      id,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      email_confirmed_at: at,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: metadata,
      identities: [],
      created_at: at,
      updated_at: at,
      is_anonymous: false,
    };
  }

  async function issue(
    sessionId: string,
    state: SessionState,
    { expiresIn = accessTokenTtl, refreshable = true, foreignKey = false, userMetadata = {} }: Partial<MintOptions> = {},
  ): Promise<GoTrueSession> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + expiresIn;
    const accessToken = await new SignJWT({
      email: state.email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: userMetadata,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(`${url}/auth/v1`)
      .setSubject(state.userId)
      .setAudience('authenticated')
      .setIssuedAt(Math.min(now, exp - 1))
      .setExpirationTime(exp)
      .sign(foreignKey ? foreign.privateKey : (privateKey as CryptoKey));
    const refreshToken = randomToken(9);
    if (refreshable) refreshTokens.set(refreshToken, { sessionId, used: false });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: expiresIn,
      expires_at: exp,
      refresh_token: refreshToken,
      user: userJson(state.userId, state.email, userMetadata),
    };
  }

  async function authenticate(req: http.IncomingMessage) {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new HttpError(401, 'no_authorization', 'This endpoint requires a Bearer token');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, publicKey, { algorithms: ['ES256'], audience: 'authenticated' }));
    } catch (err) {
      throw new HttpError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${(err as Error).message}`);
    }
    const sessionId = String(payload.session_id ?? '');
    const state = sessions.get(sessionId);
    if (!state || state.revoked || state.userId !== payload.sub) {
      throw new HttpError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    return { sessionId, state };
  }

  async function passwordGrant(body: Record<string, unknown>) {
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const { rows } = await pool.query<{ id: string; email: string; encrypted_password: string | null }>(
      `select id::text as id, email, encrypted_password from auth.users u
       where lower(email) = lower($1) and coalesce((to_jsonb(u) ->> 'is_sso_user')::boolean, false) = false`,
      [email],
    );
    const user = rows[0];
    if (!user?.encrypted_password || !(await bcrypt.compare(password, user.encrypted_password))) {
      throw new HttpError(400, 'invalid_credentials', 'Invalid login credentials');
    }
    const sessionId = crypto.randomUUID();
    const state = { userId: user.id, email: user.email, revoked: false };
    sessions.set(sessionId, state);
    return issue(sessionId, state);
  }

  async function refreshGrant(body: Record<string, unknown>) {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const entry = refreshTokens.get(token);
    if (!entry) throw new HttpError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    if (entry.used) throw new HttpError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    const state = sessions.get(entry.sessionId);
    if (!state || state.revoked) {
      throw new HttpError(400, 'session_not_found', 'Invalid Refresh Token: Session Expired');
    }
    entry.used = true;
    return issue(entry.sessionId, state);
  }

  async function route(req: http.IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const u = new URL(req.url ?? '/', url);
    if (req.headers.apikey !== publishableKey) throw new HttpError(401, 'no_api_key', 'Invalid API key');
    const at = `${req.method} ${u.pathname}`;
    if (at === 'GET /auth/v1/.well-known/jwks.json') return { status: 200, body: { keys: [jwk] } };
    if (at === 'POST /auth/v1/token') {
      const grant = u.searchParams.get('grant_type');
      const body = await readJson(req);
      if (grant === 'password') return { status: 200, body: await passwordGrant(body) };
      if (grant === 'refresh_token') return { status: 200, body: await refreshGrant(body) };
      throw new HttpError(400, 'validation_failed', `unsupported_grant_type: ${grant}`);
    }
    if (at === 'GET /auth/v1/user') {
      const { state } = await authenticate(req);
      return { status: 200, body: userJson(state.userId, state.email) };
    }
    if (at === 'POST /auth/v1/logout') {
      const { sessionId, state } = await authenticate(req);
      const scope = u.searchParams.get('scope') ?? 'global';
      for (const [id, s] of sessions) {
        if (s.userId !== state.userId) continue;
        if (scope === 'global' || (scope === 'local' && id === sessionId) || (scope === 'others' && id !== sessionId)) {
          s.revoked = true;
        }
      }
      return { status: 204 };
    }
    throw new HttpError(404, 'not_found', `${at} is not part of the stand-in`);
  }

  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const headers = { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' };
    route(req)
      .then(({ status, body }) => {
        res.writeHead(status, headers);
        res.end(body === undefined ? undefined : JSON.stringify(body));
      })
      .catch((err: unknown) => {
        const e = err instanceof HttpError ? err : new HttpError(500, 'unexpected_failure', String(err));
        res.writeHead(e.status, headers);
        res.end(JSON.stringify({ code: e.code, error_code: e.code, msg: e.message, message: e.message }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storageKey = `sb-${new URL(url).hostname.split('.')[0]}-auth-token`;

  return {
    url,
    publishableKey,
    storageKey,
    kid,
    requests,
    async mintSession(options) {
      const sessionId = crypto.randomUUID();
      const state = { userId: options.userId, email: options.email, revoked: false };
      sessions.set(sessionId, state);
      return issue(sessionId, state, options);
    },
    sessionCookies(session) {
      return createChunks(storageKey, `base64-${stringToBase64URL(JSON.stringify(session))}`);
    },
    revokeUser(userId) {
      for (const s of sessions.values()) if (s.userId === userId) s.revoked = true;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// A database for the auth tests: the demo's staff accounts (one per role) and one product customer.

export interface AuthAccount {
  userId: string;
  email: string;
  /** null: a product user without a kontor.staff row. */
  role: StaffRole | null;
}

export interface AuthDatabase extends TestDatabase {
  db: Kysely<KontorDatabase>;
  accounts: AuthAccount[];
  close(): Promise<void>;
}

/**
 * A private copy of the demo database (GoTrue's auth.users, Kontor's schema, the demo accounts), or with
 * `demo: false` a minimal one built here: auth.users(id, email, encrypted_password, banned_until,
 * deleted_at), Kontor's migrations and the same accounts. Both must pass the auth tests.
 */
export async function authDatabase({ demo = true }: { demo?: boolean } = {}): Promise<AuthDatabase> {
  const base = demo ? await demoDatabase() : await emptyDatabase();
  const db = createDb(base.url, { max: 3 });
  if (demo) {
    // The demo template may predate the latest migration.
    const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
    if (error) throw error;
  } else {
    await sql`create schema auth`.execute(db);
    await sql`create table auth.users (
      id uuid primary key default gen_random_uuid(),
      email text,
      encrypted_password text,
      banned_until timestamptz,
      deleted_at timestamptz)`.execute(db);
    const { error } = await migrateToLatest(db as unknown as Kysely<unknown>);
    if (error) throw error;
    const hash = await bcrypt.hash(DEMO_PASSWORD, 6);
    for (const { email, role } of DEMO_STAFF) {
      const { rows } = await sql<{ id: string }>`
        insert into auth.users (email, encrypted_password) values (${email}, ${hash}) returning id::text`.execute(db);
      await db.insertInto('kontor.staff').values({ user_id: rows[0].id, email, role, created_by: null }).execute();
    }
    await sql`insert into auth.users (email, encrypted_password)
      values (${DEMO_CUSTOMER.email}, ${await bcrypt.hash(DEMO_CUSTOMER.password, 6)})`.execute(db);
  }
  const { rows } = await sql<AuthAccount>`
    select u.id::text as "userId", u.email, s.role
    from auth.users u left join kontor.staff s on s.user_id = u.id
    where lower(u.email) in (${sql.join([...DEMO_STAFF.map((s) => s.email), DEMO_CUSTOMER.email])})`.execute(db);
  const close = async () => {
    await db.destroy();
  };
  return { ...base, db, accounts: rows, close };
}

/** A browser's cookie store for one site, as the auth code's CookieJar sees it: getAll in, setAll out. */
export class MemoryCookieJar implements CookieJar {
  readonly values = new Map<string, string>();
  readonly writes: { cookies: CookieToSet[]; headers: Record<string, string> }[] = [];

  constructor(initial: { name: string; value: string }[] = []) {
    for (const { name, value } of initial) this.values.set(name, value);
  }

  getAll() {
    return [...this.values].map(([name, value]) => ({ name, value }));
  }

  setAll(cookies: CookieToSet[], headers: Record<string, string>) {
    this.writes.push({ cookies, headers });
    for (const { name, value, options } of cookies) {
      if (!value || options.maxAge === 0) this.values.delete(name);
      else this.values.set(name, value);
    }
  }
}
