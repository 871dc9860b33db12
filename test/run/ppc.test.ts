/**
 * The posterior predictive check (src/fit/ppc.ts) and the outlier clipping (src/fit/clip.ts) on
 * the small test mock: residuals in total errors against a hand computation, the binomial tail
 * against a brute-force sum, the Monte-Carlo p-value against its exact Gaussian value
 * (chi2(y_rep) ~ chi^2_n for every draw: p = mean_s Q(n/2, chi2_obs,s / 2)), injected outliers
 * counted beyond 3 sigma and clipped (and nothing clipped on clean data).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lnGamma, gammaincQ } from '../../src/math/special.ts';
import { Rng } from '../../samplers/rng.ts';
import { clipOutliers } from '../../src/fit/clip.ts';
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { binomialUpperTail, posteriorPredictive } from '../../src/fit/ppc.ts';
import { MOCK_DISTANCE, MOCK_LIGHT, MOCK_TRUTH, mockBins, mockVrms } from './mock.ts';

const { x, y } = mockBins(6, 7, 12);
const truthV = mockVrms(MOCK_TRUTH, x, y);
const TRUE_X = [MOCK_TRUTH.beta_z, MOCK_TRUTH.q_m, MOCK_TRUTH.inc_deg, Math.log10(MOCK_TRUTH.ml)];

/** A 3%-noise mock (seeded) with optional outliers (bin index -> added sigmas). */
function spec(over: Partial<FitSpec> = {}, outliers: Record<number, number> = {}, seed = 7): FitSpec {
  const rng = new Rng(seed);
  const err = Array.from(truthV, (v) => 0.03 * v);
  const vrms = Array.from(truthV, (v, i) => v + err[i] * (rng.normal() + (outliers[i] ?? 0)));
  return {
    x, y, vrms, err, source: 'mock', light: MOCK_LIGHT, lightSource: 'mge', distanceMpc: MOCK_DISTANCE, massModel: 'qm', mbh: 0,
    psf: null, pixsize: 0, mlMode: 'sample', incPrior: 'uniform', ranges: {}, ...over,
  };
}

test('binomial upper tail equals the brute-force sum of the pmf', () => {
  const lpmf = (k: number, n: number, p: number) => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  for (const [k, n, p] of [[0, 42, 0.0027], [1, 42, 0.0027], [3, 152, 0.0027], [7, 20, 0.3], [20, 20, 0.3]]) {
    let s = 0;
    for (let j = k; j <= n; j++) s += Math.exp(lpmf(j, n, p));
    assert.ok(Math.abs(binomialUpperTail(k, n, p) - s) < 1e-12 * Math.max(1, s) + 1e-15, `${k}/${n} at ${p}: ${binomialUpperTail(k, n, p)} vs ${s}`);
  }
  assert.equal(binomialUpperTail(43, 42, 0.1), 0);
});

test('ppc: z = (d - m) / sqrt(e^2 + (f m)^2) per bin; the Monte-Carlo p-value matches its exact Gaussian value; 3 injected 8-sigma outliers are counted', () => {
  const s = spec({ systematics: 'fraction' }, { 5: 8, 20: -8, 33: 8 });
  const p = buildFitProblem(s);
  const best = Float64Array.from([...TRUE_X, Math.log10(0.02)]);
  // Draws: the truth with f_sys and M/L jittered, a stand-in posterior.
  const rng = new Rng(3);
  const nd = 10;
  const samples = new Float64Array(nd * 5);
  for (let d = 0; d < nd; d++) samples.set([...TRUE_X.slice(0, 3), Math.log10(MOCK_TRUTH.ml) + 0.004 * rng.normal(), Math.log10(0.02 + 0.01 * rng.uniform())], d * 5);
  const r = posteriorPredictive(p, { samples, best, ndraws: nd, reps: 300, seed: 4 });
  const m = p.like.modelVrms(p.prior.unpack(best));
  r.bins.forEach((b, k) => {
    const sig = Math.sqrt(s.err[k] ** 2 + (0.02 * m[k]) ** 2);
    assert.ok(Math.abs(b.z - (s.vrms[k] - m[k]) / sig) < 1e-12 && Math.abs(b.chi2 - b.z * b.z) < 1e-12 && b.in_fit);
  });
  assert.deepEqual(r.bins.filter((b) => Math.abs(b.z) > 3).map((b) => b.index), [5, 20, 33]);
  const b3 = r.summary.beyond_3sigma;
  assert.equal(b3.count, 3);
  assert.ok(Math.abs(b3.expected_fraction - 0.0026997960632601866) < 1e-15);
  assert.ok(b3.p_value < 1e-3, `3 of 42 at 0.27% is unlikely: ${b3.p_value}`);
  assert.equal(r.summary.nparams, 5);
  assert.equal(r.summary.dof, 37);
  // Exact: each draw's chi2_obs against chi^2_42; MC sd <= sqrt(0.25 / 3000) = 0.009, 4 sd.
  let exact = 0;
  for (let d = 0; d < nd; d++) {
    const xs = samples.subarray(d * 5, d * 5 + 5);
    exact += gammaincQ(21, p.like.evaluate(p.prior.unpack(xs), p.prior.noiseValue(xs)).chi2Total / 2) / nd;
  }
  assert.ok(Math.abs(r.summary.p_value - exact) < 0.037, `p ${r.summary.p_value} vs exact ${exact}`);
  // The band brackets the draws.
  for (const b of r.bins) assert.ok(b.model_lo68 <= b.model_hi68);
});

test('clipping: 3 injected 10-sigma outliers are clipped (and only they, the mask stable), clean data lose no bin', () => {
  const dirty = spec({ systematics: 'none' }, { 5: 10, 20: -10, 33: 10 });
  const r = clipOutliers(dirty, { k: 4, maxRounds: 5, seed: 1 });
  assert.deepEqual(r.clipped, [5, 20, 33]);
  assert.ok(r.converged && r.rounds.length >= 2, `rounds ${r.rounds.length}`);
  assert.deepEqual(r.rounds[r.rounds.length - 1].added, []);
  const p = buildFitProblem({ ...dirty, clipped: r.clipped, systematics: 'fraction' });
  assert.equal(p.active.length, 39);
  // The likelihood is the Gaussian over the 39 kept bins only, by hand from the modelled bins.
  const xs = Float64Array.from([...TRUE_X, Math.log10(0.03)]);
  const m = p.like.modelVrms(p.prior.unpack(xs));
  let ref = 0;
  m.forEach((v, k) => {
    if (r.clipped.includes(k)) return;
    const sig = Math.hypot(dirty.err[k], 0.03 * v);
    ref += -0.5 * Math.log(2 * Math.PI * sig * sig) - (dirty.vrms[k] - v) ** 2 / (2 * sig * sig);
  });
  assert.ok(Math.abs(p.like.evaluate(p.prior.unpack(xs), 0.03).logL - ref) < 1e-9 * Math.abs(ref));
  const clean = clipOutliers(spec({ systematics: 'none' }), { k: 4, maxRounds: 5, seed: 1 });
  assert.deepEqual(clean.clipped, []);
  assert.equal(clean.rounds.length, 1);
  assert.throws(() => clipOutliers(dirty, { k: 0, maxRounds: 5, seed: 1 }), /^InputError: clip: is 0; give the clipping threshold/);
  assert.throws(() => clipOutliers(dirty, { k: 3, maxRounds: 0, seed: 1 }), /clip_rounds: is 0/);
});
