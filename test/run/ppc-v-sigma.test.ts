/**
 * The posterior predictive check of a fit of V and sigma (src/fit/ppc.ts, `--moments v-sigma`)
 * on a small noisy field made with the model itself (kappa 0.8, 3% noise, seeded): residuals per
 * moment in the likelihood's total errors against a hand computation, each moment's Monte-Carlo
 * p-value against its exact Gaussian value, the joint summary as the sum of the two, p-values
 * that are not extreme for the true model, and an extreme V discrepancy for a wrong kappa.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gammaincQ } from '../../src/math/special.ts';
import { Rng } from '../../samplers/rng.ts';
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { posteriorPredictive } from '../../src/fit/ppc.ts';
import type { VSigmaLikelihood } from '../../likelihoods/v-sigma.ts';

const LIGHT = { surf: [3000, 800, 120], sigma: [0.8, 3, 9], qobs: [0.85, 0.75, 0.7] };
const x: number[] = [];
const y: number[] = [];
for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) if (i || j) (x.push(2.2 * i + 0.3), y.push(1.7 * j + 0.2));
const n = x.length;
const BETA = 0.1, INC = 65, ML = 4, KAPPA = 0.8, FSYS = 0.02;
const truth = [BETA, INC, Math.log10(ML), KAPPA, Math.log10(FSYS)];
const base: FitSpec = {
  x, y, vrms: x.map(() => 100), err: x.map(() => 3), source: 'tiny', light: LIGHT, lightSource: 'tiny-mge',
  distanceMpc: 16, massModel: 'light', mbh: 0, psf: null, pixsize: 0, mlMode: 'sample', incPrior: 'uniform', ranges: {}, engine: 'direct',
  systematics: 'fraction', likelihood: 'gaussian', moments: 'v-sigma', v: x.map(() => 0), vErr: x.map(() => 3), sigma: x.map(() => 100), sigmaErr: x.map(() => 3),
};

// Data: the model's moments at the truth (its own grid and operators) plus 3% noise per moment,
// the errors including the systematic term, so that the true model is the generating one.
const m0 = (() => {
  const p = buildFitProblem(base);
  assert.deepEqual(p.used.length, n, 'every bin is on the grid');
  return (p.like as VSigmaLikelihood).modelMoments(p.prior.unpack(Float64Array.from(truth)));
})();
const rng = new Rng(11);
const err = Array.from(m0.vrms, (v) => 0.03 * v);
const tot = Array.from(m0.vrms, (v, i) => Math.hypot(err[i], FSYS * v));
const spec: FitSpec = {
  ...base,
  vrms: Array.from(m0.vrms), err,
  v: Array.from(m0.v, (v, i) => v + tot[i] * rng.normal()), vErr: err,
  sigma: Array.from(m0.sigma, (s, i) => s + tot[i] * rng.normal()), sigmaErr: err,
};
const problem = buildFitProblem(spec);

/** A stand-in posterior: `center` with M/L and f_sys jittered (seeded), nd draws. */
function draws(center: number[], nd = 10): Float64Array {
  const r = new Rng(3);
  const s = new Float64Array(nd * center.length);
  for (let d = 0; d < nd; d++) s.set([center[0], center[1], center[2] + 0.003 * r.normal(), center[3], Math.log10(FSYS * (0.9 + 0.2 * r.uniform()))], d * center.length);
  return s;
}

test('v-sigma ppc: z per moment in the total error sqrt(e^2 + (f_sys V_rms,model)^2); each moment\'s p-value matches its exact Gaussian value; the joint check sums them', () => {
  const samples = draws(truth);
  const r = posteriorPredictive(problem, { samples, best: truth, ndraws: 10, reps: 300, seed: 4 });
  assert.ok(r.moments, 'a v-sigma fit has per-moment checks');
  const mm = (problem.like as VSigmaLikelihood).modelMoments(problem.prior.unpack(Float64Array.from(truth)));
  for (const [k, data, model] of [['v', spec.v!, mm.v], ['sigma', spec.sigma!, mm.sigma]] as const) {
    r.moments![k].bins.forEach((b, i) => {
      const s = Math.sqrt(err[i] ** 2 + (FSYS * mm.vrms[i]) ** 2);
      assert.ok(Math.abs(b.z - (data[i] - model[i]) / s) < 1e-12, `${k} bin ${i}: z ${b.z}`);
      assert.ok(Math.abs(b.sigma_total - s) < 1e-12 && b.model_lo68 <= b.model_hi68 && b.in_fit);
    });
  }
  const sv = r.summary.moments!.v;
  const ss = r.summary.moments!.sigma;
  assert.equal(sv.nbins, n);
  assert.ok(Math.abs(r.summary.chi2_total - (sv.chi2_total + ss.chi2_total)) < 1e-9);
  assert.equal(r.summary.nparams, 5);
  assert.equal(r.summary.dof, 2 * n - 5);
  assert.equal(r.summary.beyond_3sigma.count, sv.beyond_3sigma.count + ss.beyond_3sigma.count);
  // Exact per moment: chi2_obs of each draw against chi^2_n; MC sd <= sqrt(0.25 / 3000), 4 sd.
  const exact = { v: 0, sigma: 0 };
  for (let d = 0; d < 10; d++) {
    const xs = samples.subarray(d * 5, d * 5 + 5);
    const q = (problem.like as VSigmaLikelihood).modelMoments(problem.prior.unpack(xs));
    const f = 10 ** xs[4];
    let cv = 0, cs = 0;
    for (let i = 0; i < n; i++) {
      const s2 = err[i] ** 2 + (f * q.vrms[i]) ** 2;
      cv += (spec.v![i] - q.v[i]) ** 2 / s2;
      cs += (spec.sigma![i] - q.sigma[i]) ** 2 / s2;
    }
    exact.v += gammaincQ(n / 2, cv / 2) / 10;
    exact.sigma += gammaincQ(n / 2, cs / 2) / 10;
  }
  console.log(`true model: p_V ${sv.p_value.toFixed(3)} (exact ${exact.v.toFixed(3)}), p_sigma ${ss.p_value.toFixed(3)} (exact ${exact.sigma.toFixed(3)}), joint ${r.summary.p_value.toFixed(3)}`);
  assert.ok(Math.abs(sv.p_value - exact.v) < 0.037, `p_V ${sv.p_value} vs exact ${exact.v}`);
  assert.ok(Math.abs(ss.p_value - exact.sigma) < 0.037, `p_sigma ${ss.p_value} vs exact ${exact.sigma}`);
  // The generating model is not rejected.
  for (const p of [sv.p_value, ss.p_value, r.summary.p_value]) assert.ok(p > 0.01 && p < 0.99, `p-value ${p} for the true model`);
  // The V_rms rows stay, for the maps (the data's V_rms against the model's).
  assert.equal(r.bins.length, n);
  assert.ok(Math.abs(r.bins[0].model_best - mm.vrms[0]) < 1e-12);
});

test('v-sigma ppc: a model with the wrong kappa (0.3 for 0.8) gives an extreme V discrepancy', () => {
  const wrong = [BETA, INC, Math.log10(ML), 0.3, Math.log10(FSYS)];
  const r = posteriorPredictive(problem, { samples: draws(wrong), best: wrong, ndraws: 10, reps: 300, seed: 4 });
  const sv = r.summary.moments!.v;
  console.log(`kappa 0.3: V chi2 ${sv.chi2_total.toFixed(1)} over ${n} bins, p_V ${sv.p_value}; sigma chi2 ${r.summary.moments!.sigma.chi2_total.toFixed(1)}, p ${r.summary.moments!.sigma.p_value}`);
  assert.equal(sv.p_value, 0, `p_V ${sv.p_value}`);
  assert.ok(sv.chi2_total > 4 * n, `V chi2 ${sv.chi2_total}`);
  assert.ok(r.moments!.v.bins.some((b) => Math.abs(b.z) > 3));
});
