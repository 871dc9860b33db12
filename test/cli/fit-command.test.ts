/**
 * `jamfit fit` end to end on a small mock (3-Gaussian MGE, 42 bins + a centre bin, no PSF, exact
 * JAM): the run folder and summary.json schema, recovery of the truth, worker-pool chains equal
 * to serial, resume after SIGKILL to the same chain and summary, and bad input (one line naming the
 * file, row or option, exit 2, no run folder).
 */
import { formatEstimate } from '../../src/plots/corner.ts';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readNpy } from '../../samplers/backends/npy.ts';
import { MOCK_LIGHT, MOCK_TRUTH, writeMock } from '../run/mock.ts';
import { expectRefused, runBinUntil, runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-fit-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mock = writeMock(join(root, 'mock'), { noise: 0.03, seed: 3, centre: true });
const base = (out: string, ...extra: string[]) => [
  'fit', mock.kin, '--photometry', mock.mge, '--distance', '20', '--exact', '--out', out, ...extra,
];

test('mock recovery (qm, 4 parameters, --systematics none: the f_sys default is tested in test/cli/fit-systematics.test.ts): summary.json schema, truth inside the 95% intervals, centre bin excluded with a warning', async () => {
  const out = join(root, 'recover');
  const r = await runCli(base(out, '--walkers', '16', '--steps', '300', '--seed', '2', '--systematics', 'none'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: 1 bin\(s\) outside the model grid excluded \(rows 2\)/);
  for (const f of ['chain.npy', 'log_prob.npy', 'blobs.npy', 'state.json', 'config.json', 'summary.json', 'fit.log', 'run.json', 'bins_model.json']) assert.ok(existsSync(join(out, f)), f);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(s.names, ['beta_z', 'q_m', 'inc_deg', 'ml']);
  assert.deepEqual(readNpy(join(out, 'chain.npy')).shape, [300, 16, 4]);
  assert.equal(s.nbins, 42);
  for (const k of ['tau', 'rhat', 'ess', 'acceptance', 'nan_count']) assert.ok(k in s.diagnostics, k);
  assert.equal(s.correlation.length, 4);
  assert.ok(Number.isInteger(s.discard) && s.discard > 0 && s.discard <= 150);
  for (const [name, truth] of Object.entries(MOCK_TRUTH)) {
    const p = s.parameters[name];
    assert.ok(p.lo95 <= p.lo68 && p.lo68 <= p.median && p.median <= p.hi68 && p.hi68 <= p.hi95, name);
    assert.ok(truth >= p.lo95 && truth <= p.hi95, `${name}: truth ${truth} outside 95% [${p.lo95}, ${p.hi95}]`);
  }
  // The total dynamical M/L (M/L q_M sum(I s^2)/sum(I s^2 q')) is better constrained than M/L.
  const rel = (i: { lo68: number; hi68: number; median: number }) => (i.hi68 - i.lo68) / i.median;
  assert.ok(rel(s.derived.ml_total) < rel(s.parameters.ml), `ml_total ${rel(s.derived.ml_total)} vs ml ${rel(s.parameters.ml)}`);
  const L = MOCK_LIGHT;
  const is2 = L.surf.reduce((a, v, k) => a + v * L.sigma[k] ** 2, 0);
  const is2q = L.surf.reduce((a, v, k) => a + v * L.sigma[k] ** 2 * L.qobs[k], 0);
  const mlTotTruth = (MOCK_TRUTH.ml * MOCK_TRUTH.q_m * is2) / is2q;
  assert.ok(mlTotTruth >= s.derived.ml_total.lo95 && mlTotTruth <= s.derived.ml_total.hi95, `ml_total truth ${mlTotTruth} vs ${JSON.stringify(s.derived.ml_total)}`);
  // 42 bins with 3% noise: chi2 of the best sample ~ 42 - 4 +- 9.
  assert.ok(s.chi2 > 15 && s.chi2 < 70, `chi2 ${s.chi2}`);
  // The pictures carry this posterior: each corner title is the summary's median and 68% interval
  // (the plots' own formatting), and the maps draw one cell per used bin in three panels.
  const corner = readFileSync(join(out, 'corner.svg'), 'utf8');
  for (const name of s.names) {
    const p = s.parameters[name];
    assert.ok(corner.includes(formatEstimate(p.median, p.lo68, p.hi68)), `corner title of ${name}: ${formatEstimate(p.median, p.lo68, p.hi68)}`);
  }
  const maps = readFileSync(join(out, 'maps.svg'), 'utf8');
  for (const panel of ['data', 'model', 'residual']) assert.ok(maps.includes(`>${panel}<`), panel);
  for (const f of ['corner.png', 'maps.png']) assert.deepEqual([...readFileSync(join(out, f)).subarray(1, 4)], [0x50, 0x4e, 0x47], f);
  const log = readFileSync(join(out, 'fit.log'), 'utf8');
  assert.match(log, /command: jamfit fit/);
  assert.match(log, /kinematics: .* 43 bins, 43 unmasked, 42 used/);
});

test('--workers 2 (the spec handed to each worker once) gives the serial chain bit for bit', async () => {
  const a = join(root, 'serial');
  const b = join(root, 'pool');
  assert.equal((await runCli(base(a, '--walkers', '8', '--steps', '12', '--mass-model', 'light'))).code, 0);
  const r = await runCli(base(b, '--walkers', '8', '--steps', '12', '--mass-model', 'light', '--workers', '2'));
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readNpy(join(b, 'chain.npy')).data, readNpy(join(a, 'chain.npy')).data);
  assert.deepEqual(readNpy(join(b, 'blobs.npy')).data, readNpy(join(a, 'blobs.npy')).data);
});

/** Steps checkpointed in run folder `dir` (its state.json), or -1 before the first checkpoint. */
function checkpointed(dir: string): number {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).iteration;
  } catch {
    return -1; // not yet written (or replaced by rename just now)
  }
}

test('SIGKILL twice mid-fit, the same command again: the same chain and summary as an uninterrupted fit', async () => {
  const ref = join(root, 'ref');
  const dir = join(root, 'killed');
  const args = (out: string) => base(out, '--walkers', '8', '--steps', '120', '--mass-model', 'light', '--seed', '5');
  assert.equal((await runBinUntil(args(ref))).code, 0);
  const k1 = await runBinUntil(args(dir), () => checkpointed(dir) >= 20);
  assert.equal(k1.signal, 'SIGKILL');
  const k2 = await runBinUntil(args(dir), () => checkpointed(dir) >= 70);
  assert.equal(k2.signal, 'SIGKILL');
  assert.ok(!existsSync(join(dir, 'summary.json')));
  const done = await runBinUntil(args(dir));
  assert.equal(done.code, 0, done.err);
  assert.deepEqual(readNpy(join(dir, 'chain.npy')).data, readNpy(join(ref, 'chain.npy')).data);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')), JSON.parse(readFileSync(join(ref, 'summary.json'), 'utf8')));
  assert.match(readFileSync(join(dir, 'fit.log'), 'utf8'), /resuming from step \d+/);
  // Once complete, the same command only re-summarises; other options are refused in one line.
  const again = await runCli(args(dir));
  assert.equal(again.code, 0, again.err);
  assert.deepEqual(readNpy(join(dir, 'chain.npy')).shape, [120, 8, 4]);
  const other = await runCli(base(dir, '--walkers', '10', '--steps', '120', '--mass-model', 'light', '--seed', '5'));
  assert.equal(other.code, 2);
  assert.match(other.err, /^jamfit fit: .*config\.json: this run folder was started with other options: walkers was 8, now 10; resume with the same command or choose another --out$/);
});

test('bad input: one line naming the file, row or option, exit 2, no run folder written', async () => {
  const d = join(root, 'bad');
  const file = (name: string, text: string) => {
    const f = join(root, name);
    writeFileSync(f, text);
    return f;
  };
  const good = readFileSync(mock.kin, 'utf8').trim().split('\n');
  const withRow = (i: number, row: string) => good.map((l, k) => (k === i ? row : l)).join('\n') + '\n';
  const cases: [string, string[], RegExp][] = [
    ['empty kinematics', ['fit', file('empty.csv', ''), '--photometry', mock.mge, '--distance', '20', '--out', d], /empty\.csv/],
    ['malformed kinematics', ['fit', file('garbage.csv', 'x,y,vrms,vrms_err\n1,2,3\n'), '--photometry', mock.mge, '--distance', '20', '--out', d], /garbage\.csv.*row 2/],
    ['NaN', ['fit', file('nan.csv', withRow(3, '1,1,NaN,5')), '--photometry', mock.mge, '--distance', '20', '--out', d], /nan\.csv.*row 4/],
    ['negative error', ['fit', file('neg.csv', withRow(3, '1,1,200,-5')), '--photometry', mock.mge, '--distance', '20', '--out', d], /neg\.csv.*row 4/],
    ['zero error', ['fit', file('zero.csv', withRow(5, '1,1,200,0')), '--photometry', mock.mge, '--distance', '20', '--out', d], /zero\.csv.*row 6/],
    ['missing column', ['fit', file('nocol.csv', 'x,y,vrms\n1,2,3\n'), '--photometry', mock.mge, '--distance', '20', '--out', d], /nocol\.csv.*vrms_err|nocol\.csv.*column/],
    ['duplicate bins', ['fit', file('dup.csv', withRow(3, good[2])), '--photometry', mock.mge, '--distance', '20', '--out', d], /dup\.csv.*row 4.*duplicates the bin of row 3/],
    ['text in a numeric cell', ['fit', file('text.csv', withRow(2, '1,abc,200,5')), '--photometry', mock.mge, '--distance', '20', '--out', d], /text\.csv.*row 3/],
    ['photometry flatter than the domain', ['fit', mock.kin, '--photometry', file('flat.csv', 'surf,sigma,q\n100,2,0.3\n10,8,0.3\n'), '--distance', '20', '--out', d], /flat\.csv: .*flatter than the surrogate's training domain/],
    ['prior outside the surrogate\'s domain', ['fit', mock.kin, '--photometry', mock.mge, '--distance', '20', '--out', d, '--inc-range', '30,90'], /--inc-range: \[30, 90\] leaves the surrogate's training domain/],
    ['prior outside the exact engines\' domain', [...base(d), '--inc-range', '0.5,90'], /--inc-range: \[0.5, 90\] leaves the model's domain \[1, 90\]/],
    ['too few walkers', [...base(d), '--walkers', '6'], /--walkers: is 6 for 5 parameters; use at least 2 x 5 = 10/],
    ['negative distance', ['fit', mock.kin, '--photometry', mock.mge, '--distance', '-5', '--out', d], /--distance: is -5; the distance must be > 0 Mpc/],
    ['missing photometry', ['fit', mock.kin, '--distance', '20', '--out', d], /--photometry: missing/],
    ['unknown mass model', [...base(d), '--mass-model', 'nfw'], /--mass-model: is 'nfw'; use qm or light/],
    ['q_M range with mass follows light', [...base(d), '--mass-model', 'light', '--qm-range', '0.5,1'], /--qm-range: applies only to --mass-model qm/],
    ['ML mode with a black hole', [...base(d), '--ml-mode', 'profile', '--mbh', '1e8'], /--ml-mode: profile needs V_rms\^2 proportional to M\/L/],
    ['bad PSF weights', [...base(d), '--psf-sigma', '1,2', '--psf-weight', '1'], /--psf-weight: has 1 values for 2 PSF sigmas/],
    ['unknown inclination prior', [...base(d), '--inc-prior', 'cosine'], /--inc-prior: is 'cosine'; use uniform or isotropic/],
    ['old and new inclination prior flags disagree', [...base(d), '--inc-prior', 'isotropic', '--prior-inc', 'uniform'], /--prior-inc: is the old name of --inc-prior, which says 'isotropic'; give --inc-prior only/],
  ];
  await expectRefused(cases, d);
});

test('without --steps the fit auto-stops or reaches --max-steps; not converging is a warning, recorded in summary.json', async () => {
  const out = join(root, 'auto');
  const r = await runCli(base(out, '--walkers', '8', '--mass-model', 'light', '--max-steps', '100'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: not converged by --max-steps 100/);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(s.nsteps, 100);
  assert.equal(s.diagnostics.converged, false);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).converged, false);
});
