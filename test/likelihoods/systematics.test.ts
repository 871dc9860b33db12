/**
 * The noise model (likelihoods/systematics.ts): the Student-t against scipy.stats.t and a
 * brute-force integral, the total errors of each systematic term against the formula, the
 * Mitzkus inflation, the log-uniform noise prior, and the M/L modes it refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F_SYS_RANGE, gaussianSums, noiseModel, SYS_KMS_RANGE, withNoisePrior } from '../../likelihoods/systematics.ts';
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import { Rng } from '../../samplers/rng.ts';
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { MOCK_DISTANCE, MOCK_LIGHT, mockBins, mockVrms, MOCK_TRUTH } from '../run/mock.ts';

// scipy 1.17.1: [stats.t.logpdf(z, nu) for z in (0, 0.5, 2, 10)] and 2 * stats.t.sf(3, nu).
const SCIPY: Record<number, { logpdf: number[]; tail3: number }> = {
  1: { logpdf: [-1.1447298858494, -1.3678734371636097, -2.7541677982835004, -5.75985040269066], tail3: 0.20483276469913345 },
  4: { logpdf: [-0.9808292530117262, -1.1323908075528133, -2.7136972044115897, -9.126070598065432], tail3: 0.03994196807171883 },
  10: { logpdf: [-0.943897352150952, -1.0797067213979954, -2.7944946535676234, -14.13232135254199], tail3: 0.01334365502256957 },
};

test('Student-t log density and tail equal scipy.stats.t (nu = 1, 4, 10); Gaussian tail beyond 3 sigma is 0.27%', () => {
  for (const [nu, ref] of Object.entries(SCIPY)) {
    const n = noiseModel({ systematics: 'none', likelihood: 'student-t', nu: Number(nu) }, 10);
    [0, 0.5, 2, 10].forEach((z, k) => assert.ok(Math.abs(n.logPdf(z) - ref.logpdf[k]) < 1e-12, `nu ${nu} z ${z}: ${n.logPdf(z)} vs ${ref.logpdf[k]}`));
    // betaCdf is accurate to ~1e-14 relative at these shapes.
    assert.ok(Math.abs(n.tail(3) / ref.tail3 - 1) < 1e-10, `nu ${nu} tail ${n.tail(3)}`);
  }
  const g = noiseModel({ systematics: 'none', likelihood: 'gaussian' }, 10);
  assert.ok(Math.abs(g.tail(3) - 0.0026997960632601866) < 1e-15);
  assert.ok(Math.abs(g.logPdf(1.3) - (-0.5 * Math.log(2 * Math.PI) - 0.5 * 1.69)) < 1e-15);
});

test('Student-t (nu = 4): the density integrates to 1 and its mass beyond 3 equals tail(3) (brute-force Simpson)', () => {
  const n = noiseModel({ systematics: 'none', likelihood: 'student-t' }, 10);
  assert.equal(n.nu, 4);
  // Simpson on [0, 3] and on [3, 3000] in t = log z; beyond 3000 the mass is ~ 2 * 3.75 z^-4 / 4 ~ 1e-14.
  const simpson = (f: (x: number) => number, a: number, b: number, m: number) => {
    const h = (b - a) / m;
    let s = f(a) + f(b);
    for (let i = 1; i < m; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
    return (s * h) / 3;
  };
  const pdf = (z: number) => Math.exp(n.logPdf(z));
  const inner = 2 * simpson(pdf, 0, 3, 2000);
  const outer = 2 * simpson((t) => pdf(Math.exp(t)) * Math.exp(t), Math.log(3), Math.log(3000), 4000);
  assert.ok(Math.abs(inner + outer - 1) < 1e-9, `total ${inner + outer}`);
  assert.ok(Math.abs(outer - n.tail(3)) < 1e-9, `tail ${outer} vs ${n.tail(3)}`);
});

test('total errors: fraction sqrt(e^2 + (f m)^2), floor sqrt(e^2 + s^2), Mitzkus e (2N)^(1/4); log L sums log p(z) - log sigma', () => {
  const d = [100, 210, 150];
  const e = [3, 5, 4];
  const m = [104, 200, 151];
  const fr = noiseModel({ systematics: 'fraction', likelihood: 'gaussian' }, 3);
  const fl = noiseModel({ systematics: 'floor', likelihood: 'gaussian' }, 3);
  const mz = noiseModel({ systematics: 'mitzkus', likelihood: 'gaussian' }, 152);
  assert.deepEqual([fr.param?.column, fr.param?.name, fr.param?.lo, fr.param?.hi], ['log10_f_sys', 'f_sys', ...F_SYS_RANGE]);
  assert.deepEqual([fl.param?.column, fl.param?.lo, fl.param?.hi], ['log10_sys_kms', ...SYS_KMS_RANGE]);
  assert.equal(mz.param, null);
  assert.ok(Math.abs(mz.inflation - 304 ** 0.25) < 1e-12 && Math.abs(mz.inflation - 4.175596) < 1e-6);
  const gauss = (s: number[]) => d.reduce((a, v, i) => a - 0.5 * Math.log(2 * Math.PI * s[i] ** 2) - (v - m[i]) ** 2 / (2 * s[i] ** 2), 0);
  const sF = e.map((v, i) => Math.hypot(v, 0.07 * m[i]));
  const sK = e.map((v) => Math.hypot(v, 6));
  assert.ok(Math.abs(fr.logL(d, e, m, 0.07).logL - gauss(sF)) < 1e-12);
  assert.ok(Math.abs(fl.logL(d, e, m, 6).logL - gauss(sK)) < 1e-12);
  assert.ok(Math.abs(mz.logL(d, e, m, NaN).logL - gauss(e.map((v) => v * mz.inflation))) < 1e-12);
  const chi = fr.logL(d, e, m, 0.07).chi2Total;
  assert.ok(Math.abs(chi - d.reduce((a, v, i) => a + ((v - m[i]) / sF[i]) ** 2, 0)) < 1e-12);
  // The normalisation is what stops f from growing: log L at huge f is far below its maximum.
  assert.ok(fr.logL(d, e, m, 0.5).logL < fr.logL(d, e, m, 0.03).logL - 3);
});

test('gaussianSums (the sampler\'s fused loop): equals the bin-by-bin sum over 1..300 bins, with an index list, and with variances that overflow a product of 16', () => {
  const rng = new Rng('gaussian-sums');
  for (const n of [1, 15, 16, 17, 147, 300]) {
    for (const scale of [1, 1e30, 1e-30]) {
      const d = Array.from({ length: n }, () => (100 + 50 * rng.uniform()) * scale);
      const e = Array.from({ length: n }, () => (2 + 5 * rng.uniform()) * scale);
      const mFull = Array.from({ length: n + 5 }, () => (100 + 50 * rng.uniform()) * scale);
      const idx = Int32Array.from({ length: n }, (_, k) => k + (k % 3 === 0 ? 5 : 0));
      const [g, a, c] = [1.3, 0.004, 9 * scale * scale];
      const m = Array.from(idx, (i) => mFull[i]);
      let logL = 0, chi2T = 0, chi2 = 0;
      for (let k = 0; k < n; k++) {
        const v = g * e[k] ** 2 + a * m[k] ** 2 + c;
        logL += -0.5 * Math.log(2 * Math.PI * v) - (d[k] - m[k]) ** 2 / (2 * v);
        chi2T += (d[k] - m[k]) ** 2 / v;
        chi2 += ((d[k] - m[k]) / e[k]) ** 2;
      }
      const r = gaussianSums(d, e, mFull, idx, g, a, c, e.map((x) => 1 / (x * x)));
      const tol = 1e-12 * Math.max(1, Math.abs(logL));
      assert.ok(Math.abs(r.logL - logL) < tol, `n ${n} scale ${scale}: log L ${r.logL} vs ${logL}`);
      assert.ok(Math.abs(r.chi2Total / chi2T - 1) < 1e-12 && Math.abs(r.chi2 / chi2 - 1) < 1e-12, `n ${n} chi2`);
      if (scale === 1) assert.ok(Math.abs(gaussianSums(d, e, m, null, g, a, c).logL - logL) < tol, 'without the index list');
    }
  }
  assert.ok(Number.isNaN(gaussianSums([1, 2], [1, 1], [1, NaN], null, 1, 0, 0).logL), 'a NaN model gives NaN');
});

test('bad noise options: one line naming the option', () => {
  const bad: [Parameters<typeof noiseModel>[0], RegExp][] = [
    [{ systematics: 'big' as never, likelihood: 'gaussian' }, /^InputError: systematics: is 'big'; use fraction, floor, mitzkus, none$/],
    [{ systematics: 'none', likelihood: 'cauchy' as never }, /^InputError: likelihood: is 'cauchy'/],
    [{ systematics: 'none', likelihood: 'student-t', nu: 0 }, /^InputError: nu: is 0/],
    [{ systematics: 'none', likelihood: 'gaussian', nu: 3 }, /^InputError: nu: applies only to --likelihood student-t/],
    [{ systematics: 'fraction', likelihood: 'gaussian', range: [0, 0.3] }, /^InputError: sys_range/],
    [{ systematics: 'none', likelihood: 'gaussian', range: [0.01, 0.3] }, /^InputError: sys_range: applies only/],
  ];
  for (const [o, re] of bad) assert.throws(() => noiseModel(o, 10), (err: Error) => re.test(`${err.name}: ${err.message}`) && !err.message.includes('\n'));
});

test('noise prior: the column is appended, log-uniform in the value (draws uniform in log10 within MC error), the base constraints kept', () => {
  const base = fitPrior({ massModel: 'qm', mlMode: 'sample', light: MOCK_LIGHT });
  const pr = withNoisePrior(base, noiseModel({ systematics: 'fraction', likelihood: 'gaussian' }, 10));
  assert.deepEqual(pr.names, [...base.names, 'log10_f_sys']);
  assert.equal(pr.noiseIndex, base.names.length);
  const rng = new Rng(5);
  const n = 4000;
  let s = 0;
  let s2 = 0;
  for (let k = 0; k < n; k++) {
    const x = pr.draw(rng);
    assert.ok(pr.logPrior(x) > -Infinity && base.logPrior(x) > -Infinity);
    const u = (x[pr.noiseIndex] - Math.log10(F_SYS_RANGE[0])) / (Math.log10(F_SYS_RANGE[1]) - Math.log10(F_SYS_RANGE[0]));
    s += u;
    s2 += u * u;
    assert.ok(Math.abs(pr.noiseValue(x) - 10 ** x[pr.noiseIndex]) < 1e-15);
  }
  // Uniform(0,1): mean 1/2 (sd of the mean sqrt(1/12/n) = 0.0046), E[u^2] = 1/3 (sd 0.0047): 4 sigma.
  assert.ok(Math.abs(s / n - 0.5) < 4 * Math.sqrt(1 / 12 / n), `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1 / 3) < 4 * 0.0047, `E u^2 ${s2 / n}`);
  const x = pr.draw(new Rng(1));
  x[pr.noiseIndex] = Math.log10(0.6);
  assert.equal(pr.logPrior(x), -Infinity);
  const none = withNoisePrior(base, noiseModel({ systematics: 'mitzkus', likelihood: 'gaussian' }, 10));
  assert.deepEqual(none.names, base.names);
  assert.equal(none.noiseIndex, -1);
});

function spec(over: Partial<FitSpec> = {}): FitSpec {
  const { x, y } = mockBins(4, 5, 10);
  const v = mockVrms(MOCK_TRUTH, x, y);
  return {
    x, y, vrms: Array.from(v), err: Array.from(v, (t) => 0.05 * t), source: 'mock', light: MOCK_LIGHT, lightSource: 'mge',
    distanceMpc: MOCK_DISTANCE, massModel: 'qm', mbh: 0, psf: null, pixsize: 0, mlMode: 'sample', incPrior: 'uniform', ranges: {}, ...over,
  };
}

test('fit problem: --ml-mode profile/marginal refused with a sampled term or the Student-t; Mitzkus profile keeps s* and divides chi2 by (2N)^(1/2)', () => {
  for (const [o, re] of [
    [{ systematics: 'fraction' }, /^ml_mode: profile solves M\/L analytically .* --systematics fraction samples f_sys/],
    [{ systematics: 'floor', mlMode: 'marginal' }, /^ml_mode: marginal .* samples sys_kms/],
    [{ systematics: 'none', likelihood: 'student-t' }, /Student-t is not quadratic/],
  ] as [Partial<FitSpec>, RegExp][]) {
    assert.throws(() => buildFitProblem(spec({ mlMode: 'profile', ...o })), (e: Error) => re.test(e.message));
  }
  const none = buildFitProblem(spec({ mlMode: 'profile', systematics: 'none' }));
  const mz = buildFitProblem(spec({ mlMode: 'profile', systematics: 'mitzkus' }));
  const p = { betaZ: 0.05, qM: 0.75, incDeg: 65, ml: 1 };
  const a = none.like.evaluate(p);
  const b = mz.like.evaluate(p);
  const n = none.active.length;
  assert.ok(Math.abs(a.ml / b.ml - 1) < 1e-12, 'the best M/L does not depend on a common error scale');
  assert.ok(Math.abs(a.chi2 - b.chi2) < 1e-9 * a.chi2, 'chi2 is against the formal errors');
  assert.ok(Math.abs(b.chi2Total - a.chi2 / Math.sqrt(2 * n)) < 1e-9 * a.chi2);
  // Sample mode: the fraction term adds a column whose value enters the likelihood.
  const fr = buildFitProblem(spec({ systematics: 'fraction' }));
  assert.deepEqual(fr.names, ['beta_z', 'q_m', 'inc_deg', 'log10_ml', 'log10_f_sys']);
  const x = Float64Array.from([0.1, 0.7, 70, Math.log10(3), -2]);
  const blob = new Float64Array(2);
  const lp1 = fr.logProb(x, blob);
  x[4] = -1;
  assert.ok(fr.logProb(x, blob) < lp1, 'noise-free data prefer the smallest floor');
});
