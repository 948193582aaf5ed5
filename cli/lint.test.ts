import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { demoDatabase, type TestDatabase } from '@/test/db';
import { migrateToLatest } from '@/db/migrate';
import { ADVISORS } from '@/lib/inspect/advisors';
import { createDb } from '@/db/connect';

function lint(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/kontor.ts', 'lint', ...args], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tdb: TestDatabase;
before(async () => {
  tdb = await demoDatabase();
  const db = createDb<unknown>(tdb.url, { max: 1 });
  const { error } = await migrateToLatest(db);
  await db.destroy();
  if (error) throw error;
});
after(() => tdb.drop());

async function suppressAll(level: string) {
  const c = new pg.Client(tdb.url);
  await c.connect();
  try {
    for (const a of ADVISORS.filter((x) => x.level === level)) {
      await c.query(
        `insert into kontor.suppressions (advisor_id, object, reason, expires_at, created_by, created_by_email)
         values ($1, null, 'accepted in the lint test', now() + interval '1 day', gen_random_uuid(), 'test@kontor.dev')`,
        [a.id],
      );
    }
  } finally {
    await c.end();
  }
}

test('the demo has error findings: lint exits 1 and --json names them', () => {
  const r = lint(['--json'], tdb.url);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.failOn, 'error');
  assert.ok(out.failing.includes('rls_disabled_public_table'), out.failing.join(','));
  assert.ok(out.failing.every((id: string) => ADVISORS.find((a) => a.id === id)?.level === 'error'));
  assert.ok(out.counts.warning > 0);
});

test('a bad --fail-on exits 2 with the usage on stderr, and runs nothing', () => {
  for (const args of [['--fail-on', 'info'], ['--fail-on=panic'], ['--fail-on']]) {
    const r = lint(args, tdb.url);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /--fail-on takes error or warning/);
    assert.equal(r.stdout, '');
  }
});

test('with the errors suppressed: exit 0 on error, still 1 on --fail-on warning; suppressions expire', async () => {
  await suppressAll('error');
  const onError = lint([], tdb.url);
  assert.equal(onError.code, 0, onError.stdout);
  assert.match(onError.stdout, /0 error, \d+ warning/);
  const onWarning = lint(['--fail-on=warning', '--json'], tdb.url);
  assert.equal(onWarning.code, 1);
  assert.ok(JSON.parse(onWarning.stdout).failing.length > 0);

  await suppressAll('warning');
  assert.equal(lint(['--fail-on', 'warning'], tdb.url).code, 0);

  // Expired suppressions hide nothing: the findings come back and so does the exit code.
  const c = new pg.Client(tdb.url);
  await c.connect();
  await c.query(`update kontor.suppressions set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'`);
  await c.end();
  assert.equal(lint([], tdb.url).code, 1);
});
