/**
 * The fit likelihood (grid model -> W -> bins -> Gaussian) and its prior: the operator path with a
 * PSF against jamVrms2's own PSF path on the same bins, the no-PSF grid against the direct eq. 28,
 * the likelihood at the truth against perturbed models, M/L modes, and the prior's limits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jamVrms2 } from '../../src/jam/jam.ts';
import { intrinsicQ } from '../../src/jam/deproject.ts';
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import { Rng } from '../../samplers/rng.ts';
import { MOCK_DISTANCE, MOCK_LIGHT, MOCK_TRUTH, mockBins, mockVrms } from '../run/mock.ts';

const T = { betaZ: MOCK_TRUTH.beta_z, qM: MOCK_TRUTH.q_m, incDeg: MOCK_TRUTH.inc_deg, ml: MOCK_TRUTH.ml };

function spec(over: Partial<FitSpec> = {}): FitSpec {
  const { x, y } = mockBins(4, 5, 10, true);
  const v = mockVrms(MOCK_TRUTH, x, y);
  return {
    x, y, vrms: Array.from(v), err: Array.from(v, (t) => 0.03 * t), source: 'mock.csv', light: MOCK_LIGHT, lightSource: 'mge.csv',
    distanceMpc: MOCK_DISTANCE, massModel: 'qm', mbh: 0, psf: null, pixsize: 0, mlMode: 'sample', incPrior: 'uniform', ranges: {}, ...over,
  };
}

test('with a PSF and pixels the likelihood model equals jamVrms2 (its own PSF path) on the same bins to round-off', () => {
  // Same bins, light, PSF and pixel: the per-galaxy grid is jamVrms2's integration grid, so the
  // two differ only by summation order (measured max relative difference ~1e-15).
  const psf = { sigma: [0.8, 2], weight: [0.7, 0.3] };
  const s = spec({ psf, pixsize: 0.6 });
  const p = buildFitProblem(s);
  assert.deepEqual(p.excluded, [], 'with a PSF the grid covers every bin, the centre included');
  const mgePot = { surf: MOCK_LIGHT.surf, sigma: MOCK_LIGHT.sigma, qobs: MOCK_LIGHT.qobs.map(() => T.qM) };
  for (const t of [T, { ...T, betaZ: -0.2, incDeg: 85, qM: 0.9 }]) {
    const pot = { ...mgePot, qobs: MOCK_LIGHT.qobs.map(() => t.qM) };
    const ref = jamVrms2({ mgeLum: MOCK_LIGHT, mgePot: pot, incDeg: t.incDeg, beta: t.betaZ, distanceMpc: MOCK_DISTANCE, ml: t.ml }, s.x, s.y, { psf, pixsize: 0.6 });
    const m = p.like.modelVrms(t);
    let worst = 0;
    for (let i = 0; i < m.length; i++) worst = Math.max(worst, Math.abs(m[i] ** 2 / ref[i] - 1));
    assert.ok(worst < 1e-12, `max relative difference ${worst}`);
  }
});

test('without a PSF: the centre bin is excluded, the grid model agrees with the direct eq. 28 to the bilinear error', () => {
  const s = spec();
  const p = buildFitProblem(s);
  assert.deepEqual(p.excluded, [0], 'the bin at (0, 0) lies inside the innermost ring');
  const m = p.like.modelVrms(T);
  let worst = 0;
  p.used.forEach((i, k) => (worst = Math.max(worst, Math.abs(m[k] / s.vrms[i] - 1))));
  // The 20 x 10 polar grid's bilinear error on this MGE: measured 0.27% max (41 bins); 0.5% is the
  // bound we accept (a 6th of the 3% errors here); a wrong grid or W would be off by far more.
  assert.ok(worst < 5e-3 && worst > 0, `max relative difference ${worst}`);
});

test('log L peaks at the truth: noise-free data give a smaller chi2 there than at each perturbed parameter', () => {
  const p = buildFitProblem(spec());
  const at = p.like.evaluate(T);
  assert.ok(at.chi2 < 0.2, `chi2 at the truth ${at.chi2} (interpolation error only)`);
  for (const d of [{ betaZ: 0.15 }, { qM: 0.75 }, { incDeg: 80 }, { ml: 3.15 }]) {
    const r = p.like.evaluate({ ...T, ...d });
    assert.ok(r.chi2 > at.chi2 + 0.5, `${JSON.stringify(d)}: chi2 ${r.chi2} vs ${at.chi2} at the truth`);
    assert.ok(r.logL < at.logL);
  }
  // The sampler's posterior wraps it: log10 M/L in the vector, prior constant inside.
  const blob = new Float64Array(2);
  const lp = p.logProb(Float64Array.of(T.betaZ, T.qM, T.incDeg, Math.log10(T.ml)), blob);
  assert.ok(Math.abs(lp - at.logL) < 1e-9 && Math.abs(blob[0] - at.chi2) < 1e-9 && Math.abs(blob[1] - T.ml) < 1e-12);
});

test('profiled and marginal M/L recover the truth from noise-free data; both refuse a black hole', () => {
  const prof = buildFitProblem(spec({ mlMode: 'profile' }));
  assert.deepEqual(prof.names, ['beta_z', 'q_m', 'inc_deg']);
  const r = prof.like.evaluate({ ...T, ml: 999 }); // ml ignored
  assert.ok(Math.abs(r.ml / T.ml - 1) < 2e-3, `profiled M/L ${r.ml}`);
  const marg = buildFitProblem(spec({ mlMode: 'marginal' }));
  assert.ok(Math.abs(marg.like.evaluate(T).ml / T.ml - 1) < 5e-3);
  assert.throws(() => buildFitProblem(spec({ mlMode: 'profile', mbh: 1e8 })), /ml_mode: profile needs V_rms\^2 proportional to M\/L/);
});

test('mass follows light: 3 parameters; the model equals the qm model with q_M replaced by the light', () => {
  const p = buildFitProblem(spec({ massModel: 'light' }));
  assert.deepEqual(p.names, ['beta_z', 'inc_deg', 'log10_ml']);
  const g = new Float64Array(p.grid.x.length);
  const ref = jamVrms2({ mgeLum: MOCK_LIGHT, mgePot: MOCK_LIGHT, incDeg: 70, beta: 0.1, distanceMpc: MOCK_DISTANCE, ml: 2 }, p.grid.x, p.grid.y);
  p.model!.vrms2({ betaZ: 0.1, qM: 0.123, incDeg: 70, ml: 2 }, g);
  for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] / ref[i] - 1) < 1e-13);
});

test('prior: cos i < every q\' (light and q_M), beta_z < 0.7 eps_intr of the light, isotropic ∝ sin i; ranges outside the domain refused', () => {
  const pr = fitPrior({ massModel: 'qm', mlMode: 'sample', light: MOCK_LIGHT });
  const qL = pr.qLight;
  assert.ok(qL > 0.7 && qL < 0.85);
  // At i = 60 deg, cos i = 0.5: q_M = 0.5 is below hypot(cos i, 0.05 sin i) = 0.5019 -> excluded.
  assert.equal(pr.logPrior([0, 0.5, 60, 0]), -Infinity);
  assert.equal(pr.logPrior([0, 0.51, 60, 0]), 0);
  // beta_z limit at i = 60: 0.7 (1 - q_intr(qL, 60)).
  const lim = 0.7 * (1 - intrinsicQ(qL, 60));
  assert.equal(pr.logPrior([lim - 1e-9, 0.8, 60, 0]), 0);
  assert.equal(pr.logPrior([lim + 1e-9, 0.8, 60, 0]), -Infinity);
  // The light's flattest Gaussian (q' = 0.7) bounds the inclination from below: cos i < 0.7.
  const flat = fitPrior({ massModel: 'light', mlMode: 'sample', light: { surf: [1, 1], sigma: [1, 2], qobs: [0.9, 0.6] } });
  assert.equal(flat.logPrior([-0.3, 53.2, 0]), -Infinity); // hypot(cos 53.2, 0.05 sin 53.2) = 0.6003 > 0.6
  assert.equal(flat.logPrior([-0.3, 54, 0]), 0);
  // Isotropic: density ∝ sin i; draws follow uniform cos i (KS-like check of the mean of cos i).
  const iso = fitPrior({ massModel: 'light', mlMode: 'profile', inc: 'isotropic', light: { surf: [1], sigma: [1], qobs: [1] }, betaZ: [-0.4, -0.3] });
  assert.ok(Math.abs(iso.logPrior([-0.35, 80]) - iso.logPrior([-0.35, 60]) - Math.log(Math.sin((80 * Math.PI) / 180) / Math.sin((60 * Math.PI) / 180))) < 1e-12);
  const rng = new Rng(4);
  let mc = 0;
  const N = 4000;
  for (let k = 0; k < N; k++) mc += Math.cos((iso.draw(rng)[1] * Math.PI) / 180);
  // Uniform cos i on [0, 0.6]: mean 0.3, sd of the mean 0.6/sqrt(12 N) = 0.0027; 4 sd.
  assert.ok(Math.abs(mc / N - 0.3) < 0.011, `mean cos i ${mc / N}`);
  assert.throws(() => fitPrior({ massModel: 'qm', mlMode: 'sample', light: MOCK_LIGHT, incDeg: [30, 90] }), /inc_range: \[30, 90\] leaves the surrogate's training domain/);
  assert.throws(() => fitPrior({ massModel: 'qm', mlMode: 'sample', light: MOCK_LIGHT, betaZ: [0, 0.6] }), /beta_range/);
  assert.throws(() => fitPrior({ massModel: 'qm', mlMode: 'sample', light: MOCK_LIGHT, ml: [0, 5] }), /ml_range.*> 0/);
  assert.throws(() => fitPrior({ massModel: 'qm', mlMode: 'sample', light: { surf: [1], sigma: [1], qobs: [0.3] }, lightSource: 'flat.csv' }), /^InputError: flat.csv: .*flatter than the surrogate's training domain/);
});

test('a fixed black hole is not scaled by M/L: V_rms^2(BH + stars) - V_rms^2(stars) is the same at M/L 1 and 3', () => {
  // The Jeans equations are linear in the potential, so the black hole's contribution to V_rms^2
  // is additive and must not change with M/L (JAM's own ml multiplies the black hole too).
  const withBh = buildFitProblem(spec({ mbh: 3e9 })).model!;
  const noBh = buildFitProblem(spec()).model!;
  assert.equal(withBh.linearInMl, false);
  const n = withBh.grid.x.length;
  const d = (ml: number) => {
    const a = withBh.vrms2({ ...T, ml }, new Float64Array(n));
    const b = noBh.vrms2({ ...T, ml }, new Float64Array(n));
    return a.map((v, i) => v - b[i]);
  };
  const d1 = d(1);
  const d3 = d(3);
  // The innermost node (~0.6") feels the 3e9 Msun hole clearly: its share of V_rms^2 is > 1%.
  assert.ok(d1[0] > 0.01 * noBh.vrms2({ ...T, ml: 1 }, new Float64Array(n))[0]);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(d3[i] - d1[i]) <= 1e-6 * Math.abs(d1[i]) + 1e-9, `node ${i}: ${d1[i]} vs ${d3[i]}`);
});
