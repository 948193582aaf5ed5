/**
 * Pages people watch update by themselves: Activity, Queue and Workers refresh on a visible, pausable
 * interval (a row added to the database appears without a reload), and the lock tree's blocker can be
 * terminated from the tree, through the same guarded edit as the sessions table.
 */
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { storageStateOf } from './roles';
import { e2eClusterUrl } from './support/second-server';

test.use({ storageState: storageStateOf('admin') });

/** Resolves with the number of server-component refreshes (RSC requests for `path`) seen in `ms`. */
async function refreshesWithin(page: Page, path: string, ms: number): Promise<number> {
  let count = 0;
  const onRequest = (r: { url: () => string; headers: () => Record<string, string> }) => {
    if (new URL(r.url()).pathname === path && r.headers()['rsc'] === '1') count += 1;
  };
  page.on('request', onRequest);
  await page.waitForTimeout(ms);
  page.off('request', onRequest);
  return count;
}

for (const path of ['/database/activity', '/tasks/queue', '/workers']) {
  test(`${path} refreshes every 5 s, visibly, until paused`, async ({ page }) => {
    test.setTimeout(120_000); // three 7 s windows on a busy machine
    await page.goto(path);
    const control = page.getByRole('group', { name: 'Auto-refresh' });
    await expect(control).toContainText('Refreshing every 5 s');
    expect(await refreshesWithin(page, path, 7_000)).toBeGreaterThanOrEqual(1);

    await control.getByRole('button', { name: 'Pause' }).click();
    await expect(control).toContainText('Paused');
    expect(await refreshesWithin(page, path, 7_000)).toBe(0);

    await control.getByRole('button', { name: 'Resume' }).click();
    await expect(control).toContainText('Refreshing every 5 s');
    expect(await refreshesWithin(page, path, 7_000)).toBeGreaterThanOrEqual(1);
  });
}

test('a worker added to the database appears on the Workers page without a reload', async ({ page }) => {
  const id = `e2e-live-${Date.now()}`;
  await page.goto(`/workers?q=${id}`);
  await expect(page.getByRole('group', { name: 'Auto-refresh' })).toContainText('Refreshing every 5 s');
  await expect(page.getByRole('cell', { name: id })).toHaveCount(0);
  const client = new pg.Client(e2eClusterUrl('kontor_demo'));
  await client.connect();
  try {
    await client.query(`insert into public.workers (id, status, last_heartbeat) values ($1, 'active', now())`, [id]);
    await expect(page.getByText(id).first()).toBeVisible({ timeout: 20_000 });
  } finally {
    await client.query('delete from public.workers where id = $1', [id]);
    await client.end();
  }
});

test('the lock tree terminates its blocker; the refresh holds while the dialog is open', async ({ page }) => {
  test.setTimeout(120_000);
  // A holds a lock; B waits for it: A is the root of a lock tree.
  const table = `e2e_lock_${Date.now()}`;
  const [a, b] = [new pg.Client(e2eClusterUrl('kontor_demo')), new pg.Client(e2eClusterUrl('kontor_demo'))];
  await Promise.all([a.connect(), b.connect()]);
  a.on('error', () => {}); // it is terminated on purpose
  try {
    await a.query(`create table public.${table} (id int)`);
    await a.query(`begin; lock table public.${table} in access exclusive mode`);
    const aPid = (await a.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    const waited = b.query(`select count(*) from public.${table}`);

    await page.goto('/database/activity');
    const locks = page.getByRole('region', { name: 'Lock waits' });
    const terminate = locks.getByRole('button', { name: `Terminate session ${aPid}, which blocks 1 session` });
    await expect(terminate).toBeVisible({ timeout: 20_000 });
    await terminate.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('region', { name: 'Preview' })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Auto-refresh' })).toContainText('Paused while a dialog is open', { timeout: 10_000 });
    expect(await refreshesWithin(page, '/database/activity', 6_000)).toBe(0);

    await dialog.getByLabel(/^Reason/).fill('The blocker holds an exclusive lock from an abandoned migration');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden();
    await waited; // B got its lock: the blocker is gone
    const left = await b.query('select 1 from pg_stat_activity where pid = $1', [aPid]);
    expect(left.rowCount).toBe(0);
    await expect(page.getByRole('group', { name: 'Auto-refresh' })).toContainText('Refreshing every 5 s', { timeout: 10_000 });
  } finally {
    await b.query(`drop table if exists public.${table}`).catch(() => {});
    await Promise.all([a.end().catch(() => {}), b.end()]);
  }
});
