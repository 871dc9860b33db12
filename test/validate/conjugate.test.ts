/**
 * The calibration statistics on their own, independently of JAM: a conjugate Gaussian model
 * where everything is known. Three parameters with independent priors theta_d ~ N(0, tau_d^2),
 * m = 4 observations y ~ N(theta_d, 1) each, so the posterior is N(mu_n, s_n^2) with
 * s_n^2 = 1/(1/tau^2 + m) and mu_n = s_n^2 m ybar (analytic), and its L = 99 draws are sampled
 * exactly. N = 400 simulations (the size of the target run), fixed seed.
 *
 *  - exact posterior: coverage of the 68% / 95% intervals within 3 binomial sd of nominal, rank
 *    histograms uniform (chi^2 and KS p > 0.01), the TARP curve inside its 99% band, the RMS
 *    error of the medians = s_n (its Monte-Carlo sd is s_n/sqrt(2N) = 3.5%: 4 sd = 14%);
 *  - the systematic shift of the medians (validate's --mock-align measure): ~0 for the exact and
 *    the over-confident posterior, s_n = 1 posterior sd for the biased one (the mean of z = (median
 *    - truth) / sd has Monte-Carlo sd 1/sqrt(N) = 0.05 at width s_n, 0.1 at width s_n/2: bound 3 sd);
 *  - over-confident (width x 0.5) and biased (mean + 1 s_n): every test detects it. Expected
 *    effects, from the normal CDF: narrow 68% -> 38% coverage (13 sd), 95% -> 68% (27 sd), a U-
 *    shaped rank histogram; biased 68% -> 48% (8 sd), 95% -> 83% (11 sd), a sloped histogram.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { rmsError, systematicShift } from '../../src/validate/accuracy.ts';
import { coverageCurve, intervalCoverage } from '../../src/validate/coverage.ts';
import { rankAmong, rankHistogram } from '../../src/validate/sbc.ts';
import { referencePoint, tarpCredibility, tarpCurve } from '../../src/validate/tarp.ts';

const TAU = [1, 2, 0.5];
const M = 4;
const N = 400;
const L = 99;
const BINS = 20;
const Z68EXACT = 1; // the +-1 sd interval holds 68.27%
const Z95 = 1.959963984540054;

type Kind = 'exact' | 'narrow' | 'biased';

function simulate(kind: Kind) {
  const d = TAU.length;
  const rng = new Rng('jamfit-validate-conjugate');
  const stat = new Rng(`jamfit-validate-conjugate-ranks:${kind}`);
  const truth = TAU.map(() => new Float64Array(N));
  const lo68 = TAU.map(() => new Float64Array(N));
  const hi68 = TAU.map(() => new Float64Array(N));
  const lo95 = TAU.map(() => new Float64Array(N));
  const hi95 = TAU.map(() => new Float64Array(N));
  const median = TAU.map(() => new Float64Array(N));
  const ranks = TAU.map(() => new Int32Array(N));
  const pits = TAU.map(() => new Float64Array(N));
  const f = new Float64Array(N);
  const box = { lo: TAU.map((t) => -3 * t), hi: TAU.map((t) => 3 * t) };
  for (let k = 0; k < N; k++) {
    const th = new Float64Array(d);
    const draws = new Float64Array(L * d);
    for (let j = 0; j < d; j++) {
      th[j] = TAU[j] * rng.normal();
      let ybar = 0;
      for (let i = 0; i < M; i++) ybar += th[j] + rng.normal();
      ybar /= M;
      const sn = 1 / Math.sqrt(1 / TAU[j] ** 2 + M);
      const mu = sn * sn * M * ybar + (kind === 'biased' ? sn : 0);
      const s = kind === 'narrow' ? 0.5 * sn : sn;
      truth[j][k] = th[j];
      median[j][k] = mu;
      lo68[j][k] = mu - Z68EXACT * s;
      hi68[j][k] = mu + Z68EXACT * s;
      lo95[j][k] = mu - Z95 * s;
      hi95[j][k] = mu + Z95 * s;
      const col = new Float64Array(L);
      for (let l = 0; l < L; l++) draws[l * d + j] = col[l] = mu + s * rng.normal();
      const r = rankAmong(th[j], col, stat);
      ranks[j][k] = r.rank;
      pits[j][k] = r.pit;
    }
    f[k] = tarpCredibility(th, draws, referencePoint(stat, d), box.lo, box.hi, stat).pit;
  }
  const nominal68 = 0.6826894921370859;
  return TAU.map((_, j) => ({
    c68: intervalCoverage(truth[j], lo68[j], hi68[j], nominal68),
    c95: intervalCoverage(truth[j], lo95[j], hi95[j], 0.95),
    hist: rankHistogram(ranks[j], pits[j], L, BINS),
    curve: coverageCurve(pits[j], [0.5, 0.9]),
    rms: rmsError(truth[j], median[j]),
    shift: systematicShift(truth[j], median[j], hi68[j].map((h, k) => (h - lo68[j][k]) / 2)),
    sn: 1 / Math.sqrt(1 / TAU[j] ** 2 + M),
  })).map((r) => ({ ...r, tarp: tarpCurve(f) }));
}

const exact = simulate('exact');
const narrow = simulate('narrow');
const biased = simulate('biased');

test('exact posterior: coverage within 3 binomial sd, ranks uniform (p > 0.01), TARP inside its 99% band, RMS error = s_n', () => {
  for (const [j, r] of exact.entries()) {
    assert.ok(Math.abs(r.c68.z) < 3 && Math.abs(r.c95.z) < 3, `param ${j}: 68% ${r.c68.fraction} (z ${r.c68.z.toFixed(2)}), 95% ${r.c95.fraction} (z ${r.c95.z.toFixed(2)})`);
    assert.ok(r.hist.p_chi2 > 0.01 && r.hist.p_ks > 0.01, `param ${j}: p_chi2 ${r.hist.p_chi2} p_ks ${r.hist.p_ks}`);
    // 20 bins x 1% = 0.2 bins expected outside the per-bin 99% band.
    assert.ok(r.hist.outside99 <= 1, `param ${j}: ${r.hist.outside99} bins outside the 99% band`);
    // The coverage curve from the ranks agrees with the interval coverage: both are nominal.
    assert.ok(Math.abs(r.curve[0] - 0.5) < 3 * Math.sqrt(0.25 / N) && Math.abs(r.curve[1] - 0.9) < 3 * Math.sqrt(0.09 / N), `param ${j}: curve ${r.curve}`);
    assert.ok(Math.abs(r.rms / r.sn - 1) < 0.14, `param ${j}: rms ${r.rms} vs s_n ${r.sn}`);
    assert.ok(r.rms < 0.75 * TAU[j], 'the data teach: the RMS error is below the prior sd (s_n/tau = 0.24..0.71 here)');
    const h = r.shift;
    assert.ok(Math.abs(h.mean) < 3 * h.mean_se && Math.abs(h.mean_in_sd) < 0.15 && Math.abs(h.median_in_sd) < 0.2, `param ${j}: shift ${JSON.stringify(h)}`);
    assert.ok(Math.abs(h.mean_se / (r.sn / Math.sqrt(N)) - 1) < 0.14, `param ${j}: se ${h.mean_se} vs s_n/sqrt(N)`);
  }
  const t = exact[0].tarp;
  assert.ok(t.ks_d < t.band99 && t.p_ks > 0.01, `TARP D ${t.ks_d} band ${t.band99} p ${t.p_ks}`);
  for (let i = 0; i < t.alpha.length; i++) assert.ok(Math.abs(t.ecp[i] - t.alpha[i]) <= t.band99, `alpha ${t.alpha[i]}: ecp ${t.ecp[i]}`);
});

test('over-confident posterior (width x 0.5): coverage far below nominal, U-shaped ranks, TARP leaves its band', () => {
  for (const [j, r] of narrow.entries()) {
    assert.ok(r.c68.z < -8 && r.c95.z < -8, `param ${j}: z ${r.c68.z} ${r.c95.z}`);
    assert.ok(r.hist.p_chi2 < 1e-6 && r.hist.p_ks < 1e-6, `param ${j}: p ${r.hist.p_chi2} ${r.hist.p_ks}`);
    const c = r.hist.counts;
    const edges = c[0] + c[c.length - 1];
    const middle = c[c.length / 2 - 1] + c[c.length / 2];
    assert.ok(edges > 3 * middle, `param ${j}: U shape, edges ${edges} vs middle ${middle}`);
    assert.ok(r.hist.outside99 >= 2, `param ${j}: ${r.hist.outside99} bins outside the 99% band`);
    // Too narrow is not shifted: the medians are the exact posterior's.
    assert.ok(Math.abs(r.shift.mean_in_sd) < 0.3 && Math.abs(r.shift.mean) < 3 * r.shift.mean_se, `param ${j}: shift ${JSON.stringify(r.shift)}`);
  }
  const t = narrow[0].tarp;
  assert.ok(t.ks_d > t.band99 && t.p_ks < 1e-4, `TARP D ${t.ks_d} band ${t.band99} p ${t.p_ks}`);
});

test('biased posterior (mean + 1 s_n): coverage below nominal, sloped ranks (truths rank low), TARP leaves its band', () => {
  for (const [j, r] of biased.entries()) {
    assert.ok(r.c68.z < -5 && r.c95.z < -5, `param ${j}: z ${r.c68.z} ${r.c95.z}`);
    assert.ok(r.hist.p_chi2 < 1e-6 && r.hist.p_ks < 1e-6, `param ${j}: p ${r.hist.p_chi2} ${r.hist.p_ks}`);
    const c = r.hist.counts;
    const low = c.slice(0, BINS / 2).reduce((a, b) => a + b, 0);
    assert.ok(low > 0.75 * N, `param ${j}: ${low} of ${N} truths in the lower half of the draws (P = Phi(1) = 0.84)`);
    assert.ok(r.rms > 1.3 * r.sn, `param ${j}: the bias shows in the RMS error (sqrt(2) s_n expected), ${r.rms} vs ${r.sn}`);
    // The shift is the bias: s_n in the parameter's units, 1 posterior sd.
    const h = r.shift;
    assert.ok(Math.abs(h.mean - r.sn) < 3 * h.mean_se && Math.abs(h.mean_in_sd - 1) < 0.15 && Math.abs(h.median_in_sd - 1) < 0.2, `param ${j}: shift ${JSON.stringify(h)} vs s_n ${r.sn}`);
  }
  const t = biased[0].tarp;
  assert.ok(t.ks_d > t.band99 && t.p_ks < 1e-4, `TARP D ${t.ks_d} band ${t.band99} p ${t.p_ks}`);
});
