import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';
import { mgeFit1d } from '../../src/photometry/mge-fit-1d.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { gammaincP } from '../../src/math/special.ts';
import { sersicEnclosedLuminosity, sersicProfile } from '../../src/photometry/sersic.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/jampy/${name}`, import.meta.url), 'utf8'));

interface RefFit {
  n: number;
  R_e_arcsec: number;
  b_n: number;
  Ie_Lsun_pc2: number;
  profile_r_arcsec_min: number;
  profile_r_arcsec_max: number;
  npoints: number;
  ngauss_requested: number;
  log10_sigma_bounds: [number, number];
  log10_sigma_initial: number[];
  max_abs_rel_err: number;
  rms_rel_err: number;
  check_r_arcsec: number[];
  check_sersic: number[];
  check_mge: number[];
}

const logspace = (a: number, b: number, n: number) => Float64Array.from({ length: n }, (_, i) => a * Math.pow(b / a, i / (n - 1)));

/** Major-axis profile of an MGE given by peak values and dispersions. */
function mgeProfile(surf: ArrayLike<number>, sigma: ArrayLike<number>, R: ArrayLike<number>): Float64Array {
  return Float64Array.from(R as ArrayLike<number>, (r) => {
    let s = 0;
    for (let k = 0; k < surf.length; k++) s += surf[k] * Math.exp(-0.5 * (r / sigma[k]) ** 2);
    return s;
  });
}

const refFits: RefFit[] = fixture('mge_fit_1d_reference.json').fits;

test('mgeFit1d: sigma bounds and open-linspace start match the reference setup', () => {
  for (const f of refFits) {
    const r = logspace(f.profile_r_arcsec_min, f.profile_r_arcsec_max, f.npoints);
    const y = sersicProfile(r, { n: f.n, Re: f.R_e_arcsec, Ie: f.Ie_Lsun_pc2 });
    // With the nonlinear step skipped, the sigmas are the start values (none drop out here).
    const lin = mgeFit1d(r, y, { linear: true });
    assert.equal(lin.iterations, 0);
    assert.equal(lin.sigma.length, f.log10_sigma_initial.length);
    for (let j = 0; j < lin.sigma.length; j++) assert.ok(Math.abs(Math.log10(lin.sigma[j]) - f.log10_sigma_initial[j]) < 1e-8);
    const full = mgeFit1d(r, y);
    const [lo, hi] = f.log10_sigma_bounds;
    for (const s of full.sigma) assert.ok(Math.log10(s) >= lo - 1e-8 && Math.log10(s) <= hi + 1e-8);
  }
});

test('mgeFit1d reproduces the reference fit quality on the five reference Sérsic fits', () => {
  for (const f of refFits) {
    const r = logspace(f.profile_r_arcsec_min, f.profile_r_arcsec_max, f.npoints);
    const par = { n: f.n, Re: f.R_e_arcsec, Ie: f.Ie_Lsun_pc2 };
    const y = sersicProfile(r, par);
    const fit = mgeFit1d(r, y, { ngauss: f.ngauss_requested });
    const tag = `n = ${f.n}: max ${fit.maxRelErr} (reference ${f.max_abs_rel_err})`;
    assert.ok(fit.maxRelErr <= 0.005, tag);
    // Same objective and algorithm: no worse than the reference solver by more than a few %.
    assert.ok(fit.maxRelErr <= 1.05 * f.max_abs_rel_err, tag);
    assert.ok(fit.rmsRelErr <= 1.05 * f.rms_rel_err, `n = ${f.n}: rms ${fit.rmsRelErr} (reference ${f.rms_rel_err})`);
    // Output conventions: sorted sigma, surf = total/(sqrt(2 pi) sigma), relErr consistent.
    for (let j = 1; j < fit.sigma.length; j++) assert.ok(fit.sigma[j] > fit.sigma[j - 1]);
    for (let j = 0; j < fit.sigma.length; j++) {
      assert.ok(fit.total[j] > 0);
      assert.ok(Math.abs(fit.surf[j] / (fit.total[j] / (Math.sqrt(2 * Math.PI) * fit.sigma[j])) - 1) < 1e-14);
    }
    const model = mgeProfile(fit.surf, fit.sigma, r);
    let maxErr = 0;
    for (let i = 0; i < r.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(1 - model[i] / y[i]));
      assert.ok(Math.abs(fit.relErr[i] - (1 - model[i] / y[i])) < 1e-12);
    }
    assert.ok(Math.abs(maxErr - fit.maxRelErr) < 1e-12);
    // The Sérsic profile at the reference's check radii. (The MGE is not compared there: the check
    // radii are sample radii (to 1e-9), so |MGE/Sérsic - 1| <= maxRelErr there already follows from
    // the assertions above, and agreement with the reference MGE to the sum of both fits' errors
    // follows from the triangle inequality: such checks could not fail.)
    const ys = sersicProfile(f.check_r_arcsec, par);
    for (let i = 0; i < ys.length; i++) assert.ok(Math.abs(ys[i] / f.check_sersic[i] - 1) < 1e-8, `Sérsic at ${f.check_r_arcsec[i]}`);
  }
});

test('sersicToMge: n in [1, 4] reaches max relative error <= 0.5% over 0.01..10 Re', () => {
  for (let n = 1; n <= 4; n += 0.5) {
    const m = sersicToMge({ n, Re: 10, Ie: 1000, qobs: 0.8 });
    assert.ok(m.maxRelErr <= 0.005, `n = ${n}: ${m.maxRelErr}`);
    assert.ok(m.sigma.length >= 10 && m.sigma.length <= 15);
    assert.ok(Array.from(m.qobs).every((q) => q === 0.8));
  }
});

test('sersicToMge matches the quality of the 15-Gaussian MGEs of the JAM reference cases', () => {
  for (const c of fixture('sersic_bn_reference.json').cases as { case: string; n: number; R_e_arcsec: number; mge_fit_max_abs_rel_err: number }[]) {
    const m = sersicToMge({ n: c.n, Re: c.R_e_arcsec, Ie: 1000, qobs: 1 });
    assert.ok(m.maxRelErr <= 0.005, `${c.case}: ${m.maxRelErr}`);
    assert.ok(m.maxRelErr <= 1.05 * c.mge_fit_max_abs_rel_err, `${c.case}: ${m.maxRelErr} vs ${c.mge_fit_max_abs_rel_err}`);
  }
});

test('the nonlinear step improves on the linear-only fit', () => {
  for (const n of [1, 2, 4]) {
    const r = logspace(0.1, 100, 300);
    const y = sersicProfile(r, { n, Re: 10, Ie: 1 });
    const lin = mgeFit1d(r, y, { linear: true });
    const full = mgeFit1d(r, y);
    assert.ok(full.rmsRelErr < 0.5 * lin.rmsRelErr, `n = ${n}: rms ${full.rmsRelErr} vs linear ${lin.rmsRelErr}`);
    assert.ok(full.maxRelErr < lin.maxRelErr, `n = ${n}`);
  }
});

test('MGE luminosity matches the analytic Sérsic luminosity (inside 10 Re, and in total)', () => {
  for (const n of [1, 2, 3, 4]) {
    const par = { n, Re: 8, Ie: 500 };
    const q = 0.6;
    const m = sersicToMge({ ...par, qobs: q });
    const Rmax = 10 * par.Re;
    // Light of a Gaussian inside the elliptical radius R: L_k (1 - exp(-R^2/(2 sigma^2))).
    let inside = 0;
    let total = 0;
    for (let k = 0; k < m.surf.length; k++) {
      const Lk = 2 * Math.PI * m.surf[k] * m.sigma[k] ** 2 * q;
      total += Lk;
      inside += Lk * -Math.expm1(-0.5 * (Rmax / m.sigma[k]) ** 2);
    }
    const sersicInside = sersicEnclosedLuminosity(Rmax, par, q);
    const sersicTotal = sersicEnclosedLuminosity(Infinity, par, q);
    // Brief: within 1%; measured < 0.05% for n <= 4.
    assert.ok(Math.abs(inside / sersicInside - 1) < 0.002, `n = ${n}: inside 10 Re ${inside} vs ${sersicInside}`);
    // Beyond 10 Re the MGE is unconstrained and falls faster than the Sérsic tail
    // (1 - P(2n, b_n 10^(1/n)) of the total, 3.9% at n = 4), so its total lies between the two.
    assert.ok(total > 0.999 * sersicInside && total < sersicTotal, `n = ${n}: total ${total}, Sérsic ${sersicInside}..${sersicTotal}`);
    // The b_n reported is the Sérsic b_n, checked by its definition P(2n, b_n) = 1/2 (the series
    // approximation, off by ~1e-4/n^3, would miss this bar by orders of magnitude).
    assert.ok(Math.abs(gammaincP(2 * n, m.bn) - 0.5) < 1e-13, `n = ${n}: P(2n, bn) = ${gammaincP(2 * n, m.bn)}`);
  }
});

test('mgeFit1d bad input throws InputError naming the argument', () => {
  const r = logspace(0.1, 10, 50);
  const y = Float64Array.from(r, (v) => Math.exp(-v));
  const where = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof InputError, String(e));
      return e.where;
    }
    assert.fail('did not throw');
  };
  const bad = (i: number, v: number, arr: Float64Array) => {
    const c = arr.slice();
    c[i] = v;
    return c;
  };
  assert.equal(where(() => mgeFit1d(bad(0, 0, r), y)), 'r[0]');
  assert.equal(where(() => mgeFit1d(bad(3, -1, r), y)), 'r[3]');
  assert.equal(where(() => mgeFit1d(bad(5, r[4], r), y)), 'r[5]');
  assert.equal(where(() => mgeFit1d(bad(7, NaN, r), y)), 'r[7]');
  assert.equal(where(() => mgeFit1d(r, bad(2, 0, y))), 'profile[2]');
  assert.equal(where(() => mgeFit1d(r, bad(9, -3, y))), 'profile[9]');
  assert.equal(where(() => mgeFit1d(r, bad(4, NaN, y))), 'profile[4]');
  assert.equal(where(() => mgeFit1d(r, y.subarray(1))), 'profile');
  assert.equal(where(() => mgeFit1d(r, y, { ngauss: 0 })), 'ngauss');
  assert.equal(where(() => mgeFit1d(r, y, { ngauss: 2.5 })), 'ngauss');
  assert.equal(where(() => mgeFit1d([1], [1])), 'r');
  assert.equal(where(() => mgeFit1d(r, y, { rbounds: [2, 1] })), 'rbounds');
  assert.equal(where(() => sersicToMge({ n: 2, Re: 1, Ie: 1, qobs: 0 })), 'qobs');
  assert.equal(where(() => sersicToMge({ n: 0, Re: 1, Ie: 1, qobs: 1 })), 'n');
  assert.equal(where(() => sersicToMge({ n: 2, Re: -1, Ie: 1, qobs: 1 })), 'Re');
  assert.equal(where(() => sersicToMge({ n: 2, Re: 1, Ie: NaN, qobs: 1 })), 'Ie');
});

test('mgeFit1d: a single Gaussian profile is recovered exactly', () => {
  const r = logspace(0.05, 5, 100);
  const y = Float64Array.from(r, (v) => 7 * Math.exp(-0.5 * (v / 1.3) ** 2));
  const fit = mgeFit1d(r, y, { ngauss: 1, rbounds: [0.1, 3] });
  assert.equal(fit.sigma.length, 1);
  assert.ok(Math.abs(fit.sigma[0] / 1.3 - 1) < 1e-4, `${fit.sigma[0]}`);
  assert.ok(Math.abs(fit.surf[0] / 7 - 1) < 1e-4);
  assert.ok(fit.maxRelErr < 1e-4);
});
