/**
 * The CLI through a pipe, as CI runs it: on a many-table schema (bench/generate.ts, smaller than the
 * benchmark's 5,000 tables but with lint output far over a pipe's 64 KB), every --json document
 * arrives whole however slowly it is read, and --limit returns as many rows as it says.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { emptyDatabase, type TestDatabase } from '@/test/db';
import { generateBenchSchema } from '@/bench/generate';

const TABLES = 1100;
const KONTOR = `${JSON.stringify(process.execPath)} --import tsx cli/kontor.ts`;

let tdb: TestDatabase;
before(async () => {
  tdb = await emptyDatabase();
  await generateBenchSchema(tdb.url, () => undefined, { tables: TABLES, schemas: 10 });
});
after(() => tdb.drop());

/** Runs a shell pipeline with the test database's URL; a preset whose tables this schema lacks proves no mapping is read. */
function shell(pipeline: string) {
  return spawnSync('sh', ['-c', pipeline], {
    env: { ...process.env, DATABASE_URL: tdb.url, KONTOR_PRESET: 'reigh' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
}

test('kontor lint --json | node -e JSON.parse: the whole document, far over 64 KB', () => {
  const r = shell(`${KONTOR} lint --json | node -e 'const s = require("fs").readFileSync(0, "utf8"); const d = JSON.parse(s); console.log(s.length, d.findings.length)'`);
  assert.equal(r.status, 0, r.stderr);
  const [bytes, findings] = r.stdout.trim().split(' ').map(Number);
  assert.ok(bytes > 500_000, `only ${bytes} bytes`);
  assert.ok(findings > 0);
});

test('a reader that takes its time still gets every byte', async () => {
  const child = spawn('sh', ['-c', `${KONTOR} lint --json`], { env: { ...process.env, DATABASE_URL: tdb.url } });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    // Reads 64 KB at a time with a pause: the writer is left with a full pipe over and over.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 25);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(code === 0 || code === 1, `exit ${code}`);
  const text = Buffer.concat(chunks).toString('utf8');
  assert.ok(text.length > 500_000, `only ${text.length} bytes`);
  assert.ok(Array.isArray(JSON.parse(text).findings));
});

test('inspect tables --limit 1000 returns 1,000 rows; inspect runs without the mapping', () => {
  const r = shell(`${KONTOR} inspect tables --limit 1000 --json`);
  assert.equal(r.status, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.equal(data.rows.length, 1000);
  assert.ok(data.total >= TABLES);
});
