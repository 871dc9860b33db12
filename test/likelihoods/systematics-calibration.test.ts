/**
 * Must show (issue 11): on mocks with a known systematic (model errors injected at 3% and 10% of
 * V_rms, or the errors under-stated by a factor 2), the sampled fractional floor recovers it and
 * the posteriors stay calibrated; without the floor they do not.
 *
 * The exact posterior is computed by brute force on a grid (no sampler noise): the fit's
 * likelihood (likelihoods/systematics.ts noiseModel.logL, the one `jamfit fit` calls) over
 * (log10 M/L, log10 f_sys) with the fit's log-uniform priors, for a JAM template of the test
 * mock's galaxy on 168 bins (12 radii x 14 angles to 12"; an IFU's worth: NGC 6278 has 152), the model at the truth with M/L = 1 from the fit problem's own operator):
 * m_i(M/L) = sqrt(M/L) u_i. Each mock: d_i = m_i (1 + f ε_i) + e_i η_i, e_i = 5% of m_i the
 * stated error (ε, η ~ N(0, 1), seeded). Coverage = fraction of mocks whose central 68% interval
 * holds the truth; with N mocks its binomial sd is sqrt(0.68 0.32 / N).
 * The larger run, with the sampler over all five parameters, is bench/systematics-calibration.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F_SYS_RANGE, noiseModel } from '../../likelihoods/systematics.ts';
import { Rng } from '../../samplers/rng.ts';
import { buildFitProblem } from '../../src/fit/fit-problem.ts';
import { MOCK_DISTANCE, MOCK_LIGHT, MOCK_TRUTH, mockBins } from '../run/mock.ts';

const { x, y } = mockBins(12, 14, 12);
const problem = buildFitProblem({
  x, y, vrms: x.map(() => 100), err: x.map(() => 1), source: 'template', light: MOCK_LIGHT, lightSource: 'mge', distanceMpc: MOCK_DISTANCE,
  massModel: 'qm', mbh: 0, psf: null, pixsize: 0, mlMode: 'sample', incPrior: 'uniform', ranges: {},
});
const U = problem.like.modelVrms({ betaZ: MOCK_TRUTH.beta_z, qM: MOCK_TRUTH.q_m, incDeg: MOCK_TRUTH.inc_deg, ml: 1 });
const ML = MOCK_TRUTH.ml;
const N = U.length;
const FRACTION = noiseModel({ systematics: 'fraction', likelihood: 'gaussian' }, N);
const NONE = noiseModel({ systematics: 'none', likelihood: 'gaussian' }, N);

// Grids: log10 M/L within +-0.08 dex of the mock's weighted least-squares M/L (>= 5 posterior sd
// in the worst case here, 11% total scatter over 168 bins: sd(log10 M/L) ~ 0.0075, and the
// least-squares centre within ~3 sd of the posterior's), 81 nodes (0.27 sd apart). log10 f in
// two passes: 28 nodes over the whole prior to find where the marginal exceeds 1e-9 of its peak,
// then 64 nodes over that span (for a well-measured f, sd(log10 f) ~ 0.03 dex, ~0.005 dex apart).
const NML = 81;
const NF = 64;
const LF_LO = Math.log10(F_SYS_RANGE[0]);
const LF_HI = Math.log10(F_SYS_RANGE[1]);
const uniformGrid = (lo: number, hi: number, n: number) => Float64Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
const LF_COARSE = uniformGrid(LF_LO, LF_HI, 28);

/** The posterior CDF at the truth of a marginal on a uniform grid (mass on nodes, linear between). */
function cdfAt(grid: ArrayLike<number>, w: ArrayLike<number>, truth: number): number {
  let tot = 0;
  for (let k = 0; k < w.length; k++) tot += w[k];
  let c = 0;
  for (let k = 0; k < w.length; k++) {
    const h = k + 1 < w.length ? grid[k + 1] - grid[k] : grid[k] - grid[k - 1];
    if (truth >= grid[k] + h / 2) c += w[k];
    else {
      const t = (truth - (grid[k] - h / 2)) / h;
      if (t > 0) c += w[k] * Math.min(t, 1);
      break;
    }
  }
  return c / tot;
}

interface Case {
  f: number;
  understate: number;
  fTrue: number;
}

/** Coverage of the 68% intervals and the edge mass, over `nmock` mocks of one case. */
function calibrate(c: Case, nmock: number, seed: number) {
  const rng = new Rng(seed);
  const d = new Float64Array(N);
  const e = new Float64Array(N);
  const m = new Float64Array(N);
  const mt = U.map((u) => Math.sqrt(ML) * u);
  let covMl = 0;
  let covF = 0;
  let covMlNone = 0;
  let edge = 0;
  const fMedians: number[] = [];
  for (let s = 0; s < nmock; s++) {
    for (let i = 0; i < N; i++) {
      e[i] = 0.05 * mt[i];
      d[i] = mt[i] * (1 + c.f * rng.normal()) + c.understate * e[i] * rng.normal();
    }
    // Centre of the M/L grid: sqrt(M/L) = sum(d u / e^2) / sum(u^2 / e^2).
    let A = 0;
    let B = 0;
    for (let i = 0; i < N; i++) [A, B] = [A + (U[i] / e[i]) ** 2, B + (d[i] * U[i]) / e[i] ** 2];
    const c0 = 2 * Math.log10(B / A);
    const lml = uniformGrid(c0 - 0.08, c0 + 0.08, NML);
    const setModel = (a: number) => {
      const s2 = Math.sqrt(10 ** lml[a]);
      for (let i = 0; i < N; i++) m[i] = s2 * U[i];
    };
    // Pass 1: the span of log10 f that matters (profile over M/L is enough to bound it).
    const prof = new Float64Array(LF_COARSE.length).fill(-Infinity);
    for (let a = 0; a < NML; a += 4) {
      setModel(a);
      LF_COARSE.forEach((lf, b) => (prof[b] = Math.max(prof[b], FRACTION.logL(d, e, m, 10 ** lf).logL)));
    }
    const pmax = Math.max(...prof);
    const keep = LF_COARSE.map((_, b) => b).filter((b) => prof[b] > pmax - Math.log(1e9));
    const LF = uniformGrid(LF_COARSE[Math.max(keep[0] - 1, 0)], LF_COARSE[Math.min(keep[keep.length - 1] + 1, LF_COARSE.length - 1)], NF);
    const lp = new Float64Array(NML * NF);
    const lpNone = new Float64Array(NML);
    let max = -Infinity;
    let maxNone = -Infinity;
    for (let a = 0; a < NML; a++) {
      setModel(a);
      // Priors uniform in log10 M/L and log10 f: constant on these grids.
      for (let b = 0; b < NF; b++) max = Math.max(max, (lp[a * NF + b] = FRACTION.logL(d, e, m, 10 ** LF[b]).logL));
      maxNone = Math.max(maxNone, (lpNone[a] = NONE.logL(d, e, m, NaN).logL));
    }
    const wMl = new Float64Array(NML);
    const wF = new Float64Array(NF);
    for (let a = 0; a < NML; a++) {
      for (let b = 0; b < NF; b++) {
        const w = Math.exp(lp[a * NF + b] - max);
        wMl[a] += w;
        wF[b] += w;
      }
    }
    const wNone = lpNone.map((v) => Math.exp(v - maxNone));
    const tot = wMl.reduce((p, v) => p + v, 0);
    edge = Math.max(edge, (wMl[0] + wMl[NML - 1]) / tot);
    const inside = (u: number) => u > 0.15865525393145707 && u < 0.8413447460685429;
    if (inside(cdfAt(lml, wMl, Math.log10(ML)))) covMl++;
    if (inside(cdfAt(LF, wF, Math.log10(c.fTrue)))) covF++;
    if (inside(cdfAt(lml, wNone, Math.log10(ML)))) covMlNone++;
    let acc = 0;
    const half = tot / 2;
    for (let b = 0; b < NF; b++) {
      acc += wF[b];
      if (acc >= half) {
        fMedians.push(10 ** LF[b]);
        break;
      }
    }
  }
  fMedians.sort((p, q) => p - q);
  return { covMl: covMl / nmock, covF: covF / nmock, covMlNone: covMlNone / nmock, edge, fMedian: fMedians[fMedians.length >> 1] };
}

const NMOCK = 120;
const SD = Math.sqrt((0.68 * 0.32) / NMOCK); // 0.043
const CASES: [string, Case][] = [
  ['model errors 3%', { f: 0.03, understate: 1, fTrue: 0.03 }],
  ['model errors 10%', { f: 0.1, understate: 1, fTrue: 0.1 }],
  // sigma = 2 e = sqrt(e^2 + (f m)^2) with e = 5% of m: f = sqrt(3) 5%.
  ['errors under-stated by 2', { f: 0, understate: 2, fTrue: Math.sqrt(3) * 0.05 }],
];

for (const [what, c] of CASES) {
  test(`${what}: with the sampled f_sys the 68% intervals of M/L and f_sys hold the truth at 68% (+-3 binomial sd over ${NMOCK} mocks); without it M/L's do not`, () => {
    const r = calibrate(c, NMOCK, 1100 + Math.round(1000 * c.f) + c.understate);
    console.log(`# ${what}: coverage(68%) M/L ${r.covMl.toFixed(3)}, f_sys ${r.covF.toFixed(3)}, M/L without floor ${r.covMlNone.toFixed(3)}; median f_sys ${r.fMedian.toFixed(4)} (truth ${c.fTrue.toFixed(4)}); grid-edge mass ${r.edge.toExponential(1)}`);
    assert.ok(r.edge < 1e-4, `the M/L grid must hold the posterior: edge mass ${r.edge}`);
    assert.ok(Math.abs(r.covMl - 0.68) < 3 * SD, `M/L coverage ${r.covMl}`);
    assert.ok(Math.abs(r.covF - 0.68) < 3 * SD, `f_sys coverage ${r.covF}`);
    // The typical f_sys is the injected one: the posterior median's median within 25% of it.
    assert.ok(Math.abs(r.fMedian / c.fTrue - 1) < 0.25, `median f_sys ${r.fMedian} vs ${c.fTrue}`);
    if (c.f === 0.03) {
      // Total scatter 5.8% against the stated 5%: intervals 14% too narrow, expected coverage
      // P(|z| < 1/1.17) = 61%; not separable from 68% with this many mocks, so only reported.
      return;
    }
    // Total scatter >= 2 x the stated error: expected coverage <= P(|z| < 1/2) = 38%.
    assert.ok(r.covMlNone < 0.68 - 5 * SD, `M/L coverage without the floor ${r.covMlNone}`);
  });
}
