/**
 * `jamfit batch` end to end on four small mocks (42 bins, exact JAM, 8 walkers x 120 steps) and a
 * galaxy with a missing kinematics file: the plain batch (one in-process worker), two shards
 * (one with a 2-thread piscina pool) then an unsharded collection, a reordered manifest, and a
 * batch SIGKILLed twice and started again must give the same table, byte for byte; a finished
 * galaxy is never fitted again; the bad galaxy is a 'failed' row and the exit code is 1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from '@uwdata/flechette';
import { galaxySeed } from '../../src/batch/shard.ts';
import { MOCK_TRUTH, writeMock } from '../run/mock.ts';
import { runBinUntil, runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-batch-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Four galaxies with different truths and noise, two mass models; 'broken' has no kinematics file.
const GALAXIES = [
  { name: 'g1', truth: MOCK_TRUTH, seed: 3, model: 'light' },
  { name: 'g2', truth: { ...MOCK_TRUTH, beta_z: 0.0, ml: 2.5 }, seed: 4, model: 'qm' },
  { name: 'broken', truth: MOCK_TRUTH, seed: 5, model: '' },
  { name: 'g3', truth: { ...MOCK_TRUTH, inc_deg: 80 }, seed: 6, model: 'light' },
  { name: 'g4', truth: { ...MOCK_TRUTH, ml: 4 }, seed: 7, model: '' },
];
function manifest(file: string, order: number[]) {
  const lines = ['# a test survey', 'name,kinematics,photometry,distance_mpc,mass_model'];
  for (const k of order) {
    const g = GALAXIES[k];
    lines.push(`${g.name},${g.name === 'broken' ? 'broken/missing.csv' : `${g.name}/kinematics.csv`},${g.name === 'broken' ? 'g1' : g.name}/mge.csv,20,${g.model}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
let MANIFEST = '';
const FIT = ['--exact', '--walkers', '10', '--steps', '120', '--seed', '11'];
const batch = (out: string, ...extra: string[]) => ['batch', MANIFEST, '--out', out, ...FIT, ...extra];
const table = (dir: string, base = 'summary') => ({ csv: readFileSync(join(dir, `${base}.csv`), 'utf8'), arrow: readFileSync(join(dir, `${base}.arrow`)) });
let plain: { csv: string; arrow: Buffer };
const PLAIN = join(root, 'plain');

before(async () => {
  for (const g of GALAXIES) if (g.name !== 'broken') writeMock(join(root, g.name), { truth: g.truth, seed: g.seed, noise: 0.03 });
  MANIFEST = manifest(join(root, 'survey.csv'), [0, 1, 2, 3, 4]);
  const r = await runCli(batch(PLAIN, '--workers', '1'));
  assert.equal(r.code, 1, r.err);
  plain = table(PLAIN);
});

test('the plain batch: one row per galaxy in manifest order, read from each summary.json; the bad galaxy failed with its one-line error; exit 1', () => {
  const csv = plain.csv.trim().split('\n');
  const head = csv[0].split(',');
  const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
  assert.deepEqual(rows.map((r) => r.name), ['g1', 'g2', 'broken', 'g3', 'g4']);
  assert.deepEqual(rows.map((r) => r.status), ['done', 'done', 'failed', 'done', 'done']);
  assert.match(rows[2].error, /broken[/\\]missing\.csv: no such file; check the path$/);
  for (const r of rows) {
    assert.equal(Number(r.seed), galaxySeed(11, r.name), r.name);
    if (r.status !== 'done') continue;
    const s = JSON.parse(readFileSync(join(PLAIN, r.name, 'summary.json'), 'utf8'));
    // The table is a projection of summary.json: numbers round-trip exactly through the CSV.
    for (const n of s.names) for (const k of ['median', 'lo68', 'hi68', 'lo95', 'hi95']) assert.equal(Number(r[`${n}_${k}`]), s.parameters[n][k], `${r.name} ${n}_${k}`);
    assert.equal(Number(r.ml_total_median), s.derived.ml_total.median);
    assert.equal(Number(r.chi2), s.chi2);
    assert.equal(Number(r.tau_max), Math.max(...s.diagnostics.tau));
    assert.equal(r.mass_model, s.mass_model);
    assert.equal(r.q_m_median === '', s.mass_model === 'light', `${r.name}: q_m only in the qm model`);
    // Each galaxy's own run folder, seeded from the batch seed and its name, no plots by default.
    const cfg = JSON.parse(readFileSync(join(PLAIN, r.name, 'config.json'), 'utf8'));
    assert.equal(cfg.seed, galaxySeed(11, r.name));
    assert.ok(!existsSync(join(PLAIN, r.name, 'corner.png')));
  }
  assert.ok(!existsSync(join(PLAIN, 'broken')), 'a galaxy whose input fails gets no folder');
  // The Arrow IPC file holds the same table, with typed columns.
  const t = tableFromIPC(plain.arrow);
  assert.equal(t.numRows, 5);
  assert.deepEqual(t.getChild('name')!.toArray(), ['g1', 'g2', 'broken', 'g3', 'g4']);
  assert.deepEqual(Array.from(t.getChild('beta_z_median')!.toArray() as ArrayLike<number | null>).map((v) => (v === null ? '' : String(v))), rows.map((r) => r.beta_z_median));
  assert.deepEqual(Array.from(t.getChild('nbins')!.toArray() as ArrayLike<number | null>), [42, 42, null, 42, 42]);
  assert.equal(Buffer.from(plain.arrow.subarray(0, 6)).toString(), 'ARROW1');
});

test('two shards (one on a 2-thread pool), then an unsharded run that fits nothing again: the plain table; a reordered manifest gives the same rows', async () => {
  const dir = join(root, 'sharded');
  const s0 = await runCli(batch(dir, '--shard', '0/2', '--workers', '1'));
  const s1 = await runCli(batch(dir, '--shard', '1/2', '--workers', '2'));
  assert.equal(s0.code, 1, s0.err); // shard 0 has g1, broken, g4
  assert.equal(s1.code, 0, s1.err); // shard 1 has g2, g3
  assert.ok(!existsSync(join(dir, 'summary.csv')), 'a sharded run writes only its own table');
  const rowsOf = (csv: string) => csv.trim().split('\n').slice(1);
  const shardRows = [...rowsOf(table(join(dir, 'shards'), 'summary-0-of-2').csv), ...rowsOf(table(join(dir, 'shards'), 'summary-1-of-2').csv)];
  assert.deepEqual(shardRows.sort(), rowsOf(plain.csv).sort());
  const collect = await runCli(batch(dir, '--workers', '2'));
  assert.equal(collect.code, 1);
  assert.match(collect.out, /5 of 5 galaxies, 4 already finished, 1 to fit/);
  assert.deepEqual(table(dir), plain);

  const other = join(root, 'reordered');
  MANIFEST = manifest(join(root, 'reordered.csv'), [4, 2, 3, 1, 0]);
  try {
    assert.equal((await runCli(batch(other, '--workers', '2'))).code, 1);
  } finally {
    MANIFEST = join(root, 'survey.csv');
  }
  assert.deepEqual(rowsOf(table(other).csv).sort(), rowsOf(plain.csv).sort());
});

/** Galaxies of `dir` with a batch.json marker, and the steps checkpointed by the others. */
function progress(dir: string): { finished: string[]; running: Record<string, number> } {
  const finished: string[] = [];
  const running: Record<string, number> = {};
  if (!existsSync(dir)) return { finished, running };
  for (const g of readdirSync(dir)) {
    if (existsSync(join(dir, g, 'batch.json'))) finished.push(g);
    else {
      try {
        running[g] = JSON.parse(readFileSync(join(dir, g, 'state.json'), 'utf8')).iteration;
      } catch {
        // no checkpoint yet (or being renamed into place)
      }
    }
  }
  return { finished, running };
}

test('SIGKILLed mid-fit twice and started again: no finished galaxy refitted, none lost, the plain table', async () => {
  const dir = join(root, 'killed');
  const args = batch(dir, '--workers', '2');
  // First kill: a galaxy part-way through its chain, none finished.
  const k1 = await runBinUntil(args, () => Object.values(progress(dir).running).some((it) => it >= 30));
  assert.equal(k1.signal, 'SIGKILL');
  // Second kill (one worker: galaxies in order): two finished and the next one part-way.
  const k2 = await runBinUntil(batch(dir, '--workers', '1'), () => {
    const p = progress(dir);
    return p.finished.length >= 2 && Object.values(p.running).some((it) => it >= 20);
  });
  assert.equal(k2.signal, 'SIGKILL');
  const before = progress(dir);
  assert.ok(before.finished.length >= 2 && before.finished.length < 4, JSON.stringify(before));
  const [interrupted] = Object.keys(before.running);
  const logs = Object.fromEntries(before.finished.map((g) => [g, readFileSync(join(dir, g, 'fit.log'), 'utf8')]));
  const done = await runBinUntil(args);
  assert.equal(done.code, 1, done.err);
  assert.deepEqual(table(dir), plain);
  // runFit appends to fit.log whenever it runs: the finished galaxies' logs are untouched.
  for (const g of before.finished) assert.equal(readFileSync(join(dir, g, 'fit.log'), 'utf8'), logs[g], `${g} was fitted again`);
  assert.match(readFileSync(join(dir, interrupted, 'fit.log'), 'utf8'), /resuming from step \d+/);
});
