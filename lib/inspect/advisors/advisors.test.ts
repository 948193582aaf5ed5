import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { demoDatabase, emptyDatabase, type TestDatabase } from '@/test/db';
import { warmUp } from '@/db/demo/build';
import manifest from '@/db/demo/manifest.json';
import { ADVISORS, runAdvisors, type Finding } from '@/lib/inspect/advisors';
import { perRowCalls } from '@/lib/inspect/advisors/node-tree';
import { bucketsAdmittedBy } from '@/lib/inspect/advisors/storage-policy';
import { missingRequirements } from '@/lib/inspect/advisors/sql';
import { quoteIdent } from '@/lib/inspect/advisors/index-facts';
import { listIndexes, listUnindexedForeignKeys } from '@/lib/inspect/indexes';
import { createDb } from '@/db/connect';

const FIXTURE = fs.readFileSync(path.join(import.meta.dirname, 'fixture.sql'), 'utf8');

/** For each advisor: objects that must be flagged, near-misses that must not be. */
const CASES: Record<string, { flag: string[]; spare: string[] }> = {
  rls_disabled_public_table: { flag: ['public.open_notes'], spare: ['public.private_stuff', 'public.profiles', 'public.forgotten'] },
  rls_enabled_no_policy: { flag: ['public.locked'], spare: ['public.profiles', 'public.open_notes'] },
  policy_exists_rls_disabled: { flag: ['public.forgotten', 'public.forgotten_bare'], spare: ['public.profiles', 'public.open_notes'] },
  policy_using_true_private: {
    flag: ['public.leaky/"everyone reads leaky"', 'public.orders2/"anyone inserts"', 'public.orders2/"anyone updates"', 'public.uploads/"insert unchecked"'],
    spare: ['public.prices/"everyone reads prices"', 'public.profiles/"members only"', 'public.contact_messages/"guests write"',
      'public.profiles/"owner inserts"', 'public.profiles/"own profile insert"'],
  },
  policy_reads_user_metadata: { flag: ['public.admin_only/"meta admin"'], spare: ['public.admin_only/"app admin"'] },
  auth_users_exposed: { flag: ['public.user_emails'], spare: ['public.safe_emails', 'public.profile_names'] },
  security_definer_view: {
    flag: ['public.user_emails', 'public.profile_names'],
    spare: ['public.safe_emails', 'public.internal_view'],
  },
  security_definer_function_anon: {
    flag: ['public.definer_fn()'],
    spare: ['public.definer_private()', 'public.invoker_fn()', 'public.definer_signed_in()', 'public.definer_trigger()', 'internal.definer_hidden()'],
  },
  security_definer_function_authenticated: {
    flag: ['public.definer_fn()', 'public.definer_signed_in()'],
    spare: ['public.definer_private()', 'public.invoker_fn()', 'public.definer_trigger()', 'internal.definer_hidden()'],
  },
  materialized_view_in_api: { flag: ['public.leaderboard'], spare: ['public.mv_private', 'internal.mv_hidden'] },
  foreign_table_in_api: { flag: ['public.remote_rows'], spare: ['public.remote_private'] },
  insecure_queue_exposed_in_api: { flag: ['pgmq.q_jobs'], spare: ['pgmq.q_safe'] },
  public_bucket_allows_listing: {
    flag: ['storage.buckets/avatars', 'storage.buckets/media'],
    spare: ['storage.buckets/docs', 'storage.buckets/uploads'],
  },
  fkey_to_auth_unique: { flag: ['public.contacts/contacts_email_fk'], spare: ['public.profiles/profiles_user_id_fkey'] },
  unsupported_reg_types: { flag: ['public.reg_cols.fn'], spare: ['public.reg_cols.cls'] },
  extension_versions_outdated: { flag: ['citext'], spare: ['"uuid-ossp"'] },
  function_search_path_mutable: {
    flag: ['public.loose_fn(a integer)'],
    spare: ['public.definer_fn()', 'public.invoker_fn()', 'public.citext(boolean)'],
  },
  secret_column_exposed: {
    flag: ['public.api_clients.api_key', 'public.django_session.session_key', 'public.otp_totp_totpdevice.key',
      'public.user_codes.one_time_code', 'public.payment_cards.card_number'],
    spare: ['public.api_clients.client_secret', 'public.api_clients.input_tokens', 'public.sessions_own.refresh_token',
      'public.billing.iban', 'internal.keys.api_key', 'public.otp_totp_totpdevice.name'],
  },
  extension_in_public: { flag: ['citext'], spare: ['"uuid-ossp"'] },
  policy_auth_uid_per_row: {
    flag: ['public.tasks2/"bare uid"', 'public.tasks2/"nested jwt"', 'public.profiles/"profiles in sublink"', 'public.project_items/"member via bare uid"'],
    spare: ['public.profiles/"own profile"', 'public.admin_only/"meta admin"', 'public.project_notes/"member via wrapped uid"',
      'public.forgotten_bare/"bare but off"'],
  },
  multiple_permissive_policies: {
    flag: ['public.tasks2/authenticated/SELECT'],
    spare: ['public.profiles/authenticated/SELECT', 'public.split_roles/authenticated/SELECT', 'public.split_roles/anon/SELECT'],
  },
  unindexed_foreign_key: {
    flag: ['public.comments/comments_post_fk', 'public.attachments/attachments_comment_fk'],
    spare: ['public.comments/comments_author_fk', 'public.comments/comments_pair_fk', 'public.profiles/profiles_user_id_fkey',
      'public.attachments/attachments_post_fk'],
  },
  duplicate_index: {
    // The younger twin is the one to drop (the Indexes page's verdict); the partial index is not a twin.
    flag: ['public.posts_title_b'],
    spare: ['public.posts_title_a', 'public.posts_title_partial'],
  },
  redundant_index: {
    flag: ['public.posts_status_idx'],
    spare: ['public.posts_code_key', 'public.posts_created_idx', 'public.posts_title_a', 'public.posts_title_partial'],
  },
  unused_index: {
    flag: ['public.posts_body_idx'],
    spare: ['public.posts_slug_idx', 'public.posts_code_key', 'public.posts_pkey'],
  },
  no_primary_key: { flag: ['public.logs'], spare: ['public.posts', 'public.comments'] },
  table_bloat: { flag: ['public.churned'], spare: ['public.steady'] },
  sequence_near_max: { flag: ['public.small_seq'], spare: ['public.big_seq', 'public.cyclic_seq'] },
  not_valid_constraint: { flag: ['public.posts/posts_title_len'], spare: ['public.posts/posts_status_known'] },
  invalid_index: { flag: ['public.dupes_val_key'], spare: ['public.dupes_val_idx'] },
};

const objectsOf = (findings: Finding[], id: string) => findings.find((f) => f.id === id)?.objects.map((o) => o.object) ?? [];

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('every advisor has a fixture case with a trigger and a near-miss', () => {
  assert.deepEqual(Object.keys(CASES).sort(), ADVISORS.map((a) => a.id).sort());
  for (const [id, c] of Object.entries(CASES)) assert.ok(c.flag.length && c.spare.length, id);
});

test('node-tree walk: only a call in a scalar sub-select that scans nothing and reads no column is once', () => {
  const watched = new Set(['100']);
  const call = '{FUNCEXPR :funcid 100 :args <>}';
  const query = (rtable: string, target: string) => `{QUERY :cteList <> :rtable ${rtable} :jointree {FROMEXPR :fromlist <>} :targetList (${target})}`;
  const sublink = (type: number, q: string) => `{SUBLINK :subLinkType ${type} :testexpr <> :subselect ${q}}`;
  assert.deepEqual(perRowCalls(`{OPEXPR :args (${call} {VAR :varno 1})}`, watched), ['100']);
  // (select auth.uid()) = user_id: an InitPlan
  assert.deepEqual(perRowCalls(`{OPEXPR :args (${sublink(4, query('<>', call))} {VAR :varno 1})}`, watched), []);
  // exists (select 1 from projects p where p.user_id = auth.uid()): per row of projects
  assert.deepEqual(perRowCalls(sublink(0, query('({RANGETBLENTRY :relid 5})', `{OPEXPR :args ({VAR :varno 1} ${call})}`)), watched), ['100']);
  // ... = (select auth.uid()) inside it: once again
  assert.deepEqual(perRowCalls(sublink(0, query('({RANGETBLENTRY :relid 5})', `{OPEXPR :args ({VAR :varno 1} ${sublink(4, query('<>', call))})}`)), watched), []);
  // (select auth.uid() = user_id): reads the row, a SubPlan per row
  assert.deepEqual(perRowCalls(sublink(4, query('<>', `{OPEXPR :args (${call} {VAR :varno 1 :varlevelsup 1})}`)), watched), ['100']);
  assert.deepEqual(perRowCalls('{FUNCEXPR :funcid 1000 :args <>}', watched), []);
  assert.deepEqual(perRowCalls('{CONST :name a\\{b} {FUNCEXPR :funcid 100 }', watched), ['100']);
});

test('storage policies: the buckets a SELECT policy admits whole', () => {
  assert.equal(bucketsAdmittedBy(null), 'all');
  assert.equal(bucketsAdmittedBy('true'), 'all');
  assert.deepEqual(bucketsAdmittedBy("(bucket_id = 'avatars'::text)"), ['avatars']);
  assert.deepEqual(bucketsAdmittedBy("((bucket_id = ANY (ARRAY['public'::text, 'lora_files'::text])) OR ((bucket_id = 'training-data'::text) AND (owner_id = (( SELECT auth.uid() AS uid))::text)))"), ['public', 'lora_files']);
  assert.deepEqual(bucketsAdmittedBy("((bucket_id = 'uploads'::text) AND (owner_id = (( SELECT auth.uid() AS uid))::text))"), []);
  assert.deepEqual(bucketsAdmittedBy("(bucket_id = 'it''s'::text)"), ["it's"]);
});

/** EXPLAIN of `query` as `role`, in a transaction rolled back. */
async function explain(url: string, query: string, opts: { role?: string; settings?: string } = {}): Promise<string> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query('begin');
    if (opts.settings) await c.query(opts.settings);
    if (opts.role) await c.query(`set local role ${opts.role}`);
    const { rows } = await c.query(`explain (verbose, costs off) ${query}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await c.query('rollback').catch(() => undefined);
    await c.end();
  }
}

for (const major of [17, 15] as const) {
  describe(`advisors on fixtures, PostgreSQL ${major}`, () => {
    let t: TestDatabase;
    let db: Kysely<unknown>;
    let findings: Finding[];
    before(async () => {
      t = await emptyDatabase(major);
      const c = new pg.Client(t.url);
      await c.connect();
      await c.query(FIXTURE);
      await c.query('create unique index concurrently dupes_val_key on public.dupes (val)').catch(() => undefined);
      await c.query(`set enable_seqscan = off; select * from public.posts where slug = 'x'; set enable_seqscan = on`);
      await c.end();
      db = createDb(t.url, { max: 1 });
      await waitFor(async () => {
        const r = await sql<{ ok: boolean }>`select
            coalesce((select idx_scan > 0 from pg_stat_user_indexes where indexrelname = 'posts_slug_idx'), false)
            and coalesce((select n_dead_tup > 0 from pg_stat_user_tables where relname = 'churned'), false) as ok`.execute(db);
        return r.rows[0].ok;
      }, 'index and table statistics');
      findings = (await runAdvisors(db)).findings;
    });
    after(async () => {
      await db?.destroy();
      await t?.drop();
    });

    for (const [id, c] of Object.entries(CASES)) {
      test(`${id}: flags its fixture, spares the near-miss`, () => {
        const got = objectsOf(findings, id);
        for (const o of c.flag) assert.ok(got.includes(o), `${id} should flag ${o}; got ${JSON.stringify(got)}`);
        for (const o of c.spare) assert.ok(!got.includes(o), `${id} must not flag ${o}`);
      });
    }

    test('EXPLAIN agrees: a bare auth.uid() in a sub-select has no InitPlan, a wrapped one has', async () => {
      // auth.uid() is inlined: its current_setting() sits in the Filter of the sub-select's scan, run per row.
      const bare = await explain(t.url, 'select * from public.project_items', { role: 'authenticated' });
      assert.match(bare, /Seq Scan on public\.projects p\n\s+Output: [^\n]+\n\s+Filter: [^\n]*current_setting/);
      assert.doesNotMatch(bare, /InitPlan/);
      const wrapped = await explain(t.url, 'select * from public.project_notes', { role: 'authenticated' });
      assert.match(wrapped, /InitPlan/);
    });

    test('EXPLAIN agrees: a key lookup uses the partial index on key IS NOT NULL, not the unrelated one', async () => {
      const settings = 'set local enable_seqscan = off';
      assert.match(await explain(t.url, 'select 1 from public.attachments where post_id = 1', { settings }), /Index (Only )?Scan (using|on) attachments_post_partial/);
      assert.doesNotMatch(await explain(t.url, 'select 1 from public.attachments where comment_id = 1', { settings }), /attachments_comment_recent/);
    });

    test('one finding per advisor, objects grouped under it', () => {
      const ids = findings.map((f) => f.id);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(objectsOf(findings, 'policy_auth_uid_per_row').length >= 2);
    });

    test('an expired suppression hides nothing; an active one hides its object only', async () => {
      const now = Date.now();
      const base = { advisorId: 'no_primary_key', reason: 'staging only', createdByEmail: 'a@b.c', createdAt: new Date(now) };
      const active = await runAdvisors(db, {
        suppressions: [{ ...base, id: '1', object: 'public.logs', expiresAt: new Date(now + 60_000) }],
        categories: ['performance'],
      });
      const f = active.findings.find((x) => x.id === 'no_primary_key')!;
      assert.ok(!f.objects.some((o) => o.object === 'public.logs'));
      assert.deepEqual(f.suppressed.map((o) => o.object), ['public.logs']);
      assert.ok(active.findings.every((x) => x.category === 'performance'));
    });
  });
}

describe('advisors on a plain Postgres', () => {
  let t: TestDatabase;
  let db: Kysely<unknown>;
  before(async () => {
    t = await emptyDatabase(17);
    db = createDb(t.url, { max: 1 });
  });
  after(async () => {
    await db?.destroy();
    await t?.drop();
  });

  test('the checks about Supabase\'s schemas skip, saying what is missing; the others run', async () => {
    const { findings, skipped } = await runAdvisors(db, { suppressions: [] });
    const reasons = Object.fromEntries(skipped.map((k) => [k.id, k.reason]));
    assert.match(reasons.public_bucket_allows_listing, /storage\.buckets/);
    assert.match(reasons.insecure_queue_exposed_in_api, /schema pgmq/);
    assert.match(reasons.fkey_to_auth_unique, /schema auth/);
    assert.ok(!('unsupported_reg_types' in reasons) && !('extension_versions_outdated' in reasons));
    assert.deepEqual(findings.filter((f) => f.objects.length).map((f) => f.id), []);
  });

  test('a check that needs an API role skips without it', async () => {
    assert.match((await missingRequirements(db, { anyRole: ['kontor_no_such_role'] }))!, /the role kontor_no_such_role/);
    assert.equal(await missingRequirements(db, { anyRole: ['pg_monitor'], schemas: ['public'] }), null);
  });
});

describe('advisors on the demo database', () => {
  let t: TestDatabase;
  let db: Kysely<unknown>;
  let findings: Finding[];
  before(async () => {
    t = await demoDatabase(17);
    await warmUp(t.url);
    db = createDb(t.url, { max: 1 });
    findings = (await runAdvisors(db)).findings;
  });
  after(async () => {
    await db?.destroy();
    await t?.drop();
  });

  const ids = new Set(ADVISORS.map((a) => a.id));
  const planted = manifest.filter((d) => ids.has(d.kind));

  test('every RLS, index and catalog defect of the manifest is found, on the objects it names', () => {
    assert.ok(planted.length >= 12, `manifest kinds covered: ${planted.length}`);
    for (const d of planted) {
      const f = findings.find((x) => x.id === d.kind);
      assert.ok(f, `missing finding ${d.kind}`);
      const named = new Set(f.objects.flatMap((o) => [o.object, o.table ?? '', ...o.related]));
      for (const o of d.objects) assert.ok(named.has(o), `${d.kind} should name ${o}; got ${[...named].join(', ')}`);
    }
  });

  test('the index advisors report exactly the Indexes page\'s verdicts (one query per fact)', async () => {
    const { rows } = await listIndexes(db, { verdict: 'any', limit: 1000 });
    const kinds: Record<string, string> = { duplicate: 'duplicate_index', redundant: 'redundant_index', unused: 'unused_index', invalid: 'invalid_index' };
    const fromPage = rows.filter((r) => kinds[r.verdict!.kind]).map((r) => `${kinds[r.verdict!.kind]} ${quoteIdent(r.schema)}.${quoteIdent(r.name)}`).sort();
    const fromAdvisors = findings.filter((f) => Object.values(kinds).includes(f.id)).flatMap((f) => f.objects.map((o) => `${f.id} ${o.object}`)).sort();
    assert.ok(fromPage.length >= 3);
    assert.deepEqual(fromAdvisors, fromPage);
    const fks = await listUnindexedForeignKeys(db, { limit: 1000 });
    assert.deepEqual(objectsOf(findings, 'unindexed_foreign_key'), fks.map((k) => `${quoteIdent(k.schema)}.${quoteIdent(k.table)}/${quoteIdent(k.constraint)}`));
  });

  test('nothing else in the demo is flagged', () => {
    // One object per finding, but one per public bucket for the storage one.
    const expected = new Map(planted.map((d) => [d.kind, d.kind === 'public_bucket_allows_listing' ? d.ids!.length : 1]));
    const got = new Map(findings.map((f) => [f.id, f.objects.length]));
    assert.deepEqual([...got.entries()].sort(), [...expected.entries()].sort());
  });
});
