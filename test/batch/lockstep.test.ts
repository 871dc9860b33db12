/**
 * `jamfit batch --lockstep G` (src/batch/lockstep.ts) end to end on three Sérsic mocks (surrogate
 * fits, 16 walkers x 600 steps) and a galaxy with a missing file:
 *  - the table does not depend on how the galaxies are grouped: lockstep 2, lockstep 4, lockstep 2
 *    on two piscina workers and two lockstep shards collected by an unsharded run give the same
 *    table, byte for byte;
 *  - a lockstep batch SIGKILLed mid-fit and started again gives that table too and refits no
 *    finished galaxy;
 *  - against the per-galaxy path (--lockstep off), which applies the operator inside the engine
 *    in float32 rather than after the shared call in float64, every posterior median agrees to
 *    within a tenth of its 68% half-width (the two paths differ by float32 rounding only; a
 *    galaxy given another's features or operator would be off by many half-widths);
 *  - bad --lockstep values are one-line refusals that write nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { lockstepGroups, resolveLockstep } from '../../src/batch/lockstep.ts';
import { runMock } from '../../src/run/mock.ts';
import { expectRefused, runBinUntil, runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-lockstep-'));
after(() => rmSync(root, { recursive: true, force: true }));
const PHOT = fileURLToPath(new URL('../../fixtures/examples/mock-galaxy/photometry.json', import.meta.url));
const GALAXIES = [
  { name: 'a', betaZ: 0.15, qM: 0.75, incDeg: 65, ml: 4, seed: 21 },
  { name: 'b', betaZ: -0.1, qM: 0.6, incDeg: 80, ml: 2.5, seed: 22 },
  { name: 'broken', betaZ: 0, qM: 0.7, incDeg: 70, ml: 3, seed: 23 },
  { name: 'c', betaZ: 0.05, qM: 0.9, incDeg: 60, ml: 5, seed: 24 },
];
const MANIFEST = join(root, 'survey.csv');
const FIT = ['--walkers', '16', '--steps', '600', '--seed', '5', '--plots', 'none'];
const batch = (out: string, ...extra: string[]) => ['batch', MANIFEST, '--out', out, ...FIT, ...extra];
const csv = (dir: string, base = 'summary') => readFileSync(join(dir, `${base}.csv`), 'utf8');
const arrow = (dir: string) => readFileSync(join(dir, 'summary.arrow'));
let reference = '';

before(async () => {
  const lines = ['name,kinematics,photometry,distance_mpc,psf_sigma,pixsize'];
  for (const g of GALAXIES) {
    const dir = join(root, 'mocks', g.name);
    if (g.name !== 'broken') runMock({ photometry: PHOT, betaZ: g.betaZ, qM: g.qM, incDeg: g.incDeg, ml: g.ml, distance: 20, pixel: 4, psfSigma: '1', pixsize: 4, noiseFrac: 0.04, seed: g.seed, out: dir });
    lines.push(`${g.name},${join(dir, 'kinematics.csv')},${join(root, 'mocks', g.name === 'broken' ? 'a' : g.name, 'photometry.json')},20,1,4`);
  }
  writeFileSync(MANIFEST, lines.join('\n') + '\n');
  const r = await runCli(batch(join(root, 'l2'), '--lockstep', '2', '--workers', '1'));
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /in lockstep, up to 2 galaxies per network call/);
  // a and b share their calls (16 rows: two half-ensembles of 8), c runs alone (8): 2 x 1200 calls
  // of 12 rows on average; without sharing 3600 calls of 8.
  const calls = Number(/lockstep: (\d+) network calls on .*\(shared\)/.exec(r.out)?.[1]);
  assert.ok(calls > 2400 && calls < 2500, r.out);
  reference = csv(join(root, 'l2'));
});

test('lockstep 2, lockstep 4, lockstep 2 on two workers and two lockstep shards give one table; the broken galaxy failed', async () => {
  const rows = reference.trim().split('\n');
  assert.equal(rows.length, 5);
  assert.match(rows[3], /^broken,failed,/);
  for (const k of [1, 2, 4]) assert.match(rows[k], /^[abc],done,/);
  const l4 = join(root, 'l4');
  assert.equal((await runCli(batch(l4, '--lockstep', '4', '--workers', '1'))).code, 1);
  assert.equal(csv(l4), reference);
  assert.deepEqual(arrow(l4), arrow(join(root, 'l2')));
  // Two piscina workers, one group each: (a, b) and (broken, c).
  const w2 = join(root, 'w2');
  const r2 = await runCli(batch(w2, '--lockstep', '2', '--workers', '2'));
  assert.match(r2.out, /in lockstep, up to 2 galaxies per network call \(--lockstep\), with 2 worker\(s\)/);
  assert.equal(csv(w2), reference);
  const sh = join(root, 'shards');
  for (const i of [0, 1]) await runCli(batch(sh, '--lockstep', '2', '--shard', `${i}/2`));
  const collect = await runCli(batch(sh, '--lockstep', '2'));
  assert.match(collect.out, /4 galaxies, 3 already finished, 1 to fit/); // the broken one, again
  assert.equal(csv(sh), reference);
});

test('against the per-galaxy path: every posterior median within a tenth of its 68% half-width', async () => {
  const off = join(root, 'off');
  assert.equal((await runCli(batch(off, '--lockstep', 'off', '--workers', '1'))).code, 1);
  const parse = (t: string) => {
    const [head, ...rows] = t.trim().split('\n').map((l) => l.split(','));
    return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  };
  const a = parse(reference);
  const b = parse(csv(off));
  let compared = 0;
  for (const [k, row] of a.entries()) {
    if (row.status !== 'done') continue;
    for (const p of ['beta_z', 'q_m', 'inc_deg', 'ml']) {
      const half = (Number(row[`${p}_hi68`]) - Number(row[`${p}_lo68`])) / 2;
      const d = Math.abs(Number(row[`${p}_median`]) - Number(b[k][`${p}_median`]));
      assert.ok(d <= 0.1 * half, `${row.name} ${p}: medians ${row[`${p}_median`]} vs ${b[k][`${p}_median`]}, half-width ${half}`);
      compared++;
    }
  }
  assert.equal(compared, 12);
});

test('a lockstep batch SIGKILLed mid-fit and started again: no finished galaxy refitted, the same table', async () => {
  const dir = join(root, 'killed');
  const finished = () => (existsSync(dir) ? readdirSync(dir).filter((g) => existsSync(join(dir, g, 'batch.json'))) : []);
  const running = () => (existsSync(dir) ? readdirSync(dir).filter((g) => !finished().includes(g) && existsSync(join(dir, g, 'state.json'))) : []);
  // Lockstep 2: a and b together, then c (and the broken one) once a or b is done.
  const k = await runBinUntil(batch(dir, '--lockstep', '2'), () => finished().length >= 1 && running().length >= 1);
  assert.equal(k.signal, 'SIGKILL');
  const done = finished();
  assert.ok(done.length >= 1 && done.length < 3, `finished before the kill: ${done}`);
  const logs = Object.fromEntries(done.map((g) => [g, readFileSync(join(dir, g, 'fit.log'), 'utf8')]));
  const again = await runBinUntil(batch(dir, '--lockstep', '2'));
  assert.equal(again.code, 1, again.err);
  assert.equal(csv(dir), reference);
  for (const g of done) assert.equal(readFileSync(join(dir, g, 'fit.log'), 'utf8'), logs[g], `${g} was fitted again`);
});

test('--lockstep values: auto follows the GPU, off and G >= 2 as given; the rest refused in one line', async () => {
  assert.equal(resolveLockstep('auto', {}, false), null);
  assert.deepEqual(resolveLockstep('auto', {}, true), { group: 64, gpu: true, why: 'auto: tfjs-node-gpu is installed' });
  assert.equal(resolveLockstep('auto', { exact: true }, true), null);
  assert.equal(resolveLockstep('off', {}, true), null);
  assert.deepEqual(resolveLockstep(3, {}, false), { group: 3, gpu: false, why: '--lockstep' });
  // Groups: consecutive galaxies, at most G, small enough to give every worker one.
  const t = Array.from({ length: 7 }, (_, i) => ({ name: `g${i}` }) as never);
  const names = (w: number, g: number) => lockstepGroups(t, { group: g, gpu: false, why: '' }, w).map((x) => x.map((y: { name: string }) => y.name).join(''));
  assert.deepEqual(names(1, 3), ['g0g1g2', 'g3g4g5', 'g6']);
  assert.deepEqual(names(2, 8), ['g0g1g2g3', 'g4g5g6']);
  assert.deepEqual(names(16, 8), ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
  const out = join(root, 'refused');
  await expectRefused(
    [
      ['one galaxy', batch(out, '--lockstep', '1'), /--lockstep: is '1'; give auto, off, or the number of galaxies/],
      ['not a number', batch(out, '--lockstep', 'gpu'), /--lockstep: is 'gpu'/],
      ['with --exact', batch(out, '--lockstep', '3', '--exact'), /--lockstep: .*--exact fits have none/],
    ],
    out,
    'survey folder',
  );
});
