import assert from 'node:assert/strict';
import { test } from 'node:test';
import seedrandom from 'seedrandom';
import { boxPrior } from '../../likelihoods/box-prior.ts';
import { InputError } from '../../core/errors.ts';
import { checkVrmsData, marginal, profiled } from '../../likelihoods/vrms-gaussian.ts';

const rng = seedrandom('lik');
const n = 50;
const model = Float64Array.from({ length: n }, (_, i) => 150 + 60 * Math.cos(i / 7));
const err = Float64Array.from({ length: n }, () => 3 + 4 * rng());
const trueScale = 1.7;
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const vrms = Float64Array.from(model, (m, i) => trueScale * m + err[i] * gauss());
const data = checkVrmsData(vrms, err);

function logL(s: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) r += -0.5 * ((vrms[i] - s * model[i]) / err[i]) ** 2 - Math.log(err[i]) - 0.5 * Math.log(2 * Math.PI);
  return r;
}

test('profiled scale is the maximum of the direct log-likelihood', () => {
  const p = profiled(data, model);
  assert.ok(Math.abs(p.logL - logL(p.scale)) < 1e-9);
  for (const d of [-1e-3, 1e-3]) assert.ok(logL(p.scale + d) < p.logL);
  // s* is an unbiased estimate with sd 1/sqrt(sum m^2/e^2) ~ 0.004: within 5 sd of the truth.
  assert.ok(Math.abs(p.scale - trueScale) < 0.02, `${p.scale}`);
});

test('marginal equals a brute-force integral over the scale (far from the truncation: mu/sd ~ 360)', () => {
  const m = marginal(data, model);
  // Trapezoid over s in [0, 4] on a fine grid; the integrand is negligible outside.
  const N = 40000;
  let peak = -Infinity;
  for (let k = 0; k <= N; k++) peak = Math.max(peak, logL((4 * k) / N));
  let sum = 0;
  let mean = 0;
  for (let k = 0; k <= N; k++) {
    const s = (4 * k) / N;
    const w = (k === 0 || k === N ? 0.5 : 1) * Math.exp(logL(s) - peak);
    sum += w;
    mean += w * s;
  }
  const brute = peak + Math.log((sum * 4) / N);
  assert.ok(Math.abs(m.logL - brute) < 1e-6, `${m.logL} vs ${brute}`);
  assert.ok(Math.abs(m.scaleMean - mean / sum) < 1e-8);
});

test('degenerate models give -Infinity', () => {
  assert.equal(profiled(data, new Float64Array(n)).logL, -Infinity);
  assert.equal(marginal(data, new Float64Array(n).fill(NaN)).logL, -Infinity);
});

/** Composite Simpson integral of exp(f(s)) over [0, b] with N (even) cells: its log, and the mean of s. */
function bruteScaleIntegral(f: (s: number) => number, b: number, N: number): { logI: number; mean: number } {
  let peak = -Infinity;
  for (let k = 0; k <= N; k++) peak = Math.max(peak, f((b * k) / N));
  let sum = 0;
  let first = 0;
  for (let k = 0; k <= N; k++) {
    const s = (b * k) / N;
    const w = (k === 0 || k === N ? 1 : k % 2 ? 4 : 2) * Math.exp(f(s) - peak);
    sum += w;
    first += w * s;
  }
  return { logI: peak + Math.log((sum * b) / (3 * N)), mean: first / sum };
}

test('marginal near the truncation at s = 0 (mu/sd from 0.2 to 2) equals a brute-force integral', () => {
  // Few bins with large errors: the scale is poorly determined, so the cut at s = 0 removes
  // 1%..42% of the Gaussian integral (log Phi = -0.011..-0.54) and shifts the mean by 0.03..0.67 sd;
  // dropping the truncation terms is off by far more than the tolerances below.
  const m = Float64Array.of(100, 120, 80, 150, 90, 110);
  const e = Float64Array.of(40, 50, 45, 60, 55, 50);
  for (const [k, zLo, zHi] of [[0.04, 0.1, 0.4], [0.2, 0.7, 1.3], [0.45, 1.6, 2.4]]) {
    const d = Float64Array.from(m, (mi, i) => k * mi * (1 + 0.3 * (i % 2 ? -1 : 1)));
    const ll = (s: number) => {
      let r = 0;
      for (let i = 0; i < m.length; i++) r += -0.5 * ((d[i] - s * m[i]) / e[i]) ** 2 - Math.log(e[i]) - 0.5 * Math.log(2 * Math.PI);
      return r;
    };
    const A = m.reduce((a, mi, i) => a + (mi / e[i]) ** 2, 0);
    const sd = 1 / Math.sqrt(A);
    const mu = m.reduce((a, mi, i) => a + (mi * d[i]) / e[i] ** 2, 0) / A;
    assert.ok(mu / sd > zLo && mu / sd < zHi, `setup: mu/sd = ${mu / sd}`);
    // Beyond mu + 10 sd the integrand is below e^-50 of its peak. Simpson with 20000 cells of
    // h <= 6e-4 sd has an error ~ h^4 f^(4) / 180 ~ 1e-15 relative, so the 1e-9 bars below are
    // set by round-off in the 20000-term sums, not by the quadrature.
    const brute = bruteScaleIntegral(ll, mu + 10 * sd, 20000);
    const r = marginal(checkVrmsData(d, e), m);
    assert.ok(Math.abs(r.logL - brute.logI) < 1e-9, `mu/sd = ${mu / sd}: logL ${r.logL} vs brute ${brute.logI}`);
    assert.ok(Math.abs(r.scaleMean - brute.mean) < 1e-9 * sd, `mu/sd = ${mu / sd}: mean ${r.scaleMean} vs brute ${brute.mean}`);
  }
});

test('checkVrmsData refuses each kind of bad bin, naming the bin and the field', () => {
  const v = Array.from({ length: 20 }, (_, i) => 100 + i);
  const e = new Array(20).fill(5);
  const put = (a: number[], i: number, x: unknown) => a.map((y, k) => (k === i ? x : y)) as number[];
  const cases: [string, () => unknown, RegExp][] = [
    ['NaN V_rms', () => checkVrmsData(put(v, 17, NaN), e), /^vrms\[17\]: is NaN; give a finite V_rms/],
    ['null V_rms (NaN through JSON)', () => checkVrmsData(put(v, 2, null), e), /^vrms\[2\]: is null/],
    ['infinite V_rms', () => checkVrmsData(put(v, 4, Infinity), e), /^vrms\[4\]: is Infinity/],
    ['negative V_rms', () => checkVrmsData(put(v, 5, -3), e), /^vrms\[5\]: is -3; V_rms is a root-mean-square velocity, >= 0/],
    ['zero error', () => checkVrmsData(v, put(e, 3, 0)), /^err\[3\]: is 0; errors must be > 0/],
    ['negative error', () => checkVrmsData(v, put(e, 8, -1)), /^err\[8\]: is -1; errors must be > 0/],
    ['NaN error', () => checkVrmsData(v, put(e, 11, NaN)), /^err\[11\]: is NaN; give a finite 1-sigma error/],
    ['infinite error', () => checkVrmsData(v, put(e, 19, Infinity)), /^err\[19\]: is Infinity/],
    ['fewer errors than bins', () => checkVrmsData(v, e.slice(1)), /^err: has 19 values but vrms has 20/],
    ['no bins', () => checkVrmsData([], []), /^vrms: is empty/],
    ['not an array', () => checkVrmsData(null as unknown as number[], e), /^vrms: must be an array/],
    ['file prefix', () => checkVrmsData(put(v, 1, NaN), e, 'bins.csv'), /^bins\.csv: vrms\[1\]: is NaN/],
    ['model of the wrong length (profiled)', () => profiled(checkVrmsData(v, e), new Float64Array(19)), /^model: has 19 values but the data have 20 bins/],
    ['model of the wrong length (marginal)', () => marginal(checkVrmsData(v, e), new Float64Array(21)), /^model: has 21 values but the data have 20 bins/],
  ];
  for (const [what, fn, re] of cases) {
    assert.throws(fn, (err: unknown) => err instanceof InputError && re.test(err.message) && !err.message.includes('\n'), what);
  }
  // The data are copied once: changing the caller's arrays later cannot invalidate them.
  const vv = v.slice();
  const d = checkVrmsData(vv, e);
  vv[0] = NaN;
  assert.equal(d.vrms[0], 100);
  assert.ok(Math.abs(d.logNorm - (-10 * Math.log(2 * Math.PI) - 20 * Math.log(5))) < 1e-12);
});

test('box prior: density, bounds, and refusal to leave the domain', () => {
  const p = boxPrior({ beta_z: [-0.4, 0.4], inc_deg: [60, 90] }, { beta_z: [-0.4, 0.4], inc_deg: [53.13, 90] });
  assert.ok(Math.abs(p.logPrior([0, 70]) + Math.log(0.8 * 30)) < 1e-12);
  assert.equal(p.logPrior([0.5, 70]), -Infinity);
  assert.equal(p.logPrior([0, NaN]), -Infinity);
  assert.throws(() => boxPrior({ beta_z: [-0.5, 0.4] }, { beta_z: [-0.4, 0.4] }), /prior\.beta_z: \[-0\.5, 0\.4\] leaves the domain/);
  assert.throws(() => boxPrior({ q: [1, 0.5] }), /prior\.q: is \[1,0\.5\]; give \[lo, hi\] with finite lo < hi/);
});
