/**
 * `jamfit fit` with the real-galaxy likelihood options, end to end on the small test mock (42
 * bins, no PSF, exact JAM, ~1 ms per model): the default f_sys column and its report, the
 * posterior predictive check files, clipping reported bin by bin, --rmax, the `good` column and
 * --mask, and bad input (one line naming the option, exit 2, no run folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readNpy } from '../../samplers/backends/npy.ts';
import { expectRefused, runCli } from '../cli/run-cli.ts';
import { writeMock } from './mock.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-sys-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mock = writeMock(join(root, 'mock'), { noise: 0.03, seed: 3 });
const base = (kin: string, out: string, ...extra: string[]) => ['fit', kin, '--photometry', mock.mge, '--distance', '20', '--exact', '--out', out, '--walkers', '12', ...extra];

/** The mock with rows (1-based data rows) shifted by `sig` of their error, and extra columns. */
function variant(name: string, shift: Record<number, number>, extra?: { header: string; cell: (i: number) => string }): string {
  const lines = readFileSync(mock.kin, 'utf8').trim().split('\n');
  const out = lines.map((l, k) => {
    if (k === 0) return extra ? `${l},${extra.header}` : l;
    const [x, y, v, e] = l.split(',').map(Number);
    const s = shift[k] ?? 0;
    return `${x},${y},${v + s * e},${e}${extra ? `,${extra.cell(k - 1)}` : ''}`;
  });
  const f = join(root, name);
  writeFileSync(f, out.join('\n') + '\n');
  return f;
}

test('default --systematics fraction: f_sys sampled and reported; ppc block, ppc.json and the PPC plots in the run folder', async () => {
  const out = join(root, 'default');
  const r = await runCli(base(mock.kin, out, '--steps', '80'));
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(s.names, ['beta_z', 'q_m', 'inc_deg', 'ml', 'f_sys']);
  assert.deepEqual(s.chain_columns.slice(-1), ['log10_f_sys']);
  const chain = readNpy(join(out, 'chain.npy'));
  assert.deepEqual(chain.shape, [80, 12, 5]);
  // Reported f_sys = 10^(the chain column's quantiles): the median of the last column's samples.
  const col = Float64Array.from({ length: (80 - s.discard) * 12 }, (_, i) => chain.data[(s.discard * 12 + i) * 5 + 4]).sort();
  const h = (col.length - 1) / 2;
  const med = 0.5 * (col[Math.floor(h)] + col[Math.ceil(h)]);
  assert.ok(Math.abs(s.parameters.f_sys.median - 10 ** med) < 1e-12, `${s.parameters.f_sys.median} vs ${10 ** med}`);
  assert.ok(s.parameters.f_sys.hi95 <= 0.5 && s.parameters.f_sys.lo95 >= 0.001);
  assert.equal(s.noise.systematics, 'fraction');
  for (const k of ['chi2_total', 'dof', 'beyond_3sigma', 'p_value', 'ndraws']) assert.ok(k in s.ppc, k);
  assert.equal(s.ppc.beyond_3sigma.expected_fraction.toFixed(4), '0.0027');
  const ppc = JSON.parse(readFileSync(join(out, 'ppc.json'), 'utf8'));
  assert.equal(ppc.bins.length, 42);
  assert.deepEqual(Object.keys(ppc.bins[0]).sort(), ['chi2', 'data', 'err', 'in_fit', 'index', 'model_best', 'model_hi68', 'model_lo68', 'row', 'sigma_total', 'x', 'y', 'z'].sort());
  for (const f of ['ppc_axes.svg', 'ppc_axes.png', 'ppc_residuals.svg', 'ppc_residuals.png']) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, 'ppc_axes.svg'), 'utf8'), /major axis \(\d+ bins/);
  assert.match(readFileSync(join(out, 'fit.log'), 'utf8'), /posterior predictive check .* beyond 3 sigma/);
  assert.match(r.out, /f_sys +\d/);
});

test('--clip 4 clips the two shifted bins (rows in fit.log and summary.json), --rmax leaves the outer bins out, --mask and the good column mask bins', async () => {
  // Data rows 6 and 25 (file lines 7 and 26) moved by 12 and -12 sigma.
  const kin = variant('outliers.csv', { 6: 12, 25: -12 }, { header: 'bin_id,good', cell: (i) => `${100 + i},${i === 0 ? 0 : 1}` });
  const out = join(root, 'clip');
  const r = await runCli(base(kin, out, '--steps', '40', '--systematics', 'none', '--clip', '4', '--rmax', '9', '--mask', '101'));
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(s.clipping.clipped.map((c: { row: number }) => c.row).sort((a: number, b: number) => a - b), [7, 26]);
  assert.ok(s.clipping.converged);
  for (const c of s.clipping.clipped) assert.ok(Math.abs(c.z) > 4, `row ${c.row}: z ${c.z}`);
  const log = readFileSync(join(out, 'fit.log'), 'utf8');
  assert.match(log, /clip round 1: .*clipped rows (7, 26|26, 7)/);
  assert.match(log, /clipping: 2 bin\(s\) left out of the likelihood \(rows 7, 26\)/);
  // Mock radii: 0.8 .. 12" in 6 rings of 7; r <= 9" keeps the inner 5 rings (35 bins), minus the
  // good = 0 row (line 2: bin 100) and --mask 101 (line 3): 33 modelled, 31 in the likelihood.
  assert.match(log, /42 bins, 40 unmasked, 33 within --rmax, 33 used/);
  assert.match(r.err, /--rmax 9": 7 bin\(s\) beyond it left out/);
  assert.equal(s.ppc.nbins, 31);
  assert.equal(s.ppc.nbins_clipped, 2);
  assert.equal(s.nbins, 31);
  const ppc = JSON.parse(readFileSync(join(out, 'ppc.json'), 'utf8'));
  assert.equal(ppc.bins.length, 33);
  assert.deepEqual(ppc.bins.filter((b: { in_fit: boolean }) => !b.in_fit).map((b: { row: number }) => b.row), [7, 26]);
});

test('bad input: one line naming the option, exit 2, no run folder', async () => {
  const d = join(root, 'bad');
  const cases: [string, string[], RegExp][] = [
    ['unknown systematics', ['--systematics', 'big'], /--systematics: is 'big'; use fraction or floor or mitzkus or none/],
    ['unknown likelihood', ['--likelihood', 'cauchy'], /--likelihood: is 'cauchy'; use gaussian or student-t/],
    ['clip 0', ['--clip', '0'], /--clip: is 0; give the clipping threshold in total errors, > 0/],
    ['clip negative', ['--clip', '-2'], /--clip: is -2/],
    ['clip rounds without clip', ['--clip-rounds', '3'], /--clip-rounds: needs --clip K/],
    ['clip rounds 0', ['--clip', '3', '--clip-rounds', '0'], /--clip-rounds: is 0; give an integer >= 1/],
    ['rmax removing every bin', ['--rmax', '0.5'], /--rmax: 0.5" keeps none of the 42 unmasked bins \(the nearest is at 0.649"\); give a larger radius/],
    ['rmax not positive', ['--rmax', '0'], /--rmax: is 0; give the largest radius/],
    ['profile M/L with the default floor', ['--ml-mode', 'profile'], /--ml-mode: profile solves M\/L analytically for a Gaussian with fixed errors, but --systematics fraction samples f_sys/],
    ['nu with the Gaussian', ['--nu', '3'], /--nu: applies only to --likelihood student-t/],
    ['nu not positive', ['--likelihood', 'student-t', '--nu', '-1'], /--nu: is -1/],
    ['sys range with none', ['--systematics', 'none', '--sys-range', '0.01,0.2'], /--sys-range: applies only to --systematics fraction or floor/],
    ['sys range not positive', ['--sys-range', '0,0.2'], /--sys-range: is \[0,0.2\]; give lo,hi with 0 < lo < hi/],
  ];
  await expectRefused(cases.map(([what, extra, re]) => [what, base(mock.kin, d, ...extra), re] as const), d);
});

test('--systematics mitzkus with --ml-mode profile and --likelihood student-t run; their noise is recorded', async () => {
  const a = join(root, 'mitzkus');
  const r = await runCli(base(mock.kin, a, '--steps', '20', '--systematics', 'mitzkus', '--ml-mode', 'profile', '--mass-model', 'light', '--walkers', '8'));
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8'));
  assert.deepEqual(s.names, ['beta_z', 'inc_deg']);
  assert.ok(Math.abs(s.noise.inflation - 84 ** 0.25) < 1e-12);
  // chi2 is against the formal errors; the PPC's total errors are (2N)^(1/4) larger.
  assert.ok(Math.abs(s.ppc.chi2_formal / s.ppc.chi2_total - Math.sqrt(84)) < 1e-6 * Math.sqrt(84));
  const b = join(root, 'student');
  const t = await runCli(base(mock.kin, b, '--steps', '20', '--likelihood', 'student-t', '--mass-model', 'light', '--walkers', '8'));
  assert.equal(t.code, 0, t.err);
  const st = JSON.parse(readFileSync(join(b, 'summary.json'), 'utf8'));
  assert.equal(st.noise.nu, 4);
  assert.ok(Math.abs(st.ppc.beyond_3sigma.expected_fraction - 0.03994196807171883) < 1e-12, 'P(|t_4| > 3), scipy');
});
