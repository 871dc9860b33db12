/**
 * The V-sigma likelihood (likelihoods/v-sigma.ts) against an independent computation on a tiny
 * case: with a PSF the fit's grid and operators are jamVrms2's / jamVlos's integration grid, so
 * the binned V_rms^2 and V are computed independently by those (the public JAM functions), and
 * log L is written out here term by term (Gaussian, formal errors; then the fractional
 * systematic term and the Student-t); the kappa prior column.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { jamVlos } from '../../src/jam/first-moment-jam.ts';
import { jamVrms2 } from '../../src/jam/jam.ts';
import { lnGamma } from '../../src/math/special.ts';
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { KAPPA_RANGE } from '../../likelihoods/v-sigma.ts';

const LIGHT = { surf: [3000, 800, 120], sigma: [0.8, 3, 9], qobs: [0.85, 0.75, 0.7] };
const x = [1.2, -2.5, 3.5, 0.5, -5, 6.5];
const y = [0.3, 1.0, -2.0, 3.0, -0.5, 1.5];
const v = [12, -20, 25, 3, -30, 35];
const vErr = [2, 3, 2.5, 4, 3, 2];
const sigma = [80, 70, 65, 75, 55, 50];
const sigmaErr = [3, 2, 4, 3, 2.5, 3];
const psf = { sigma: [0.9], weight: [1] };
const spec: FitSpec = {
  x, y, vrms: x.map((_, i) => Math.hypot(v[i], sigma[i])), err: vErr, source: 'tiny', light: LIGHT, lightSource: 'tiny-mge',
  distanceMpc: 16, massModel: 'light', mbh: 0, psf, pixsize: 0.4, mlMode: 'sample', incPrior: 'uniform', ranges: {}, engine: 'direct',
  systematics: 'none', likelihood: 'gaussian', moments: 'v-sigma', v, vErr, sigma, sigmaErr,
};
const P = { betaZ: 0.1, incDeg: 65, ml: 4, kappa: 0.7 };
const x0 = [P.betaZ, P.incDeg, Math.log10(P.ml), P.kappa];
const F = (a: number[]) => Float64Array.from(a);

function reference(s: FitSpec, theta: number, kind: 'gaussian' | 'student-t', nu = 4): number {
  const params = { mgeLum: LIGHT, mgePot: LIGHT, incDeg: P.incDeg, beta: P.betaZ, distanceMpc: 16, ml: P.ml };
  const opts = { psf, pixsize: 0.4 };
  const v2 = jamVrms2(params, x, y, opts);
  const vm = jamVlos(params, x, y, P.kappa, opts);
  let logL = 0;
  for (let i = 0; i < x.length; i++) {
    const sm = Math.sqrt(v2[i] - vm[i] ** 2);
    const extra = (theta * Math.sqrt(v2[i])) ** 2; // f_sys times the model V_rms, on both moments
    for (const [d, m, e] of [[v[i], vm[i], vErr[i]], [sigma[i], sm, sigmaErr[i]]]) {
      const s2 = e * e + extra;
      const z = (d - m) / Math.sqrt(s2);
      logL += kind === 'gaussian'
        ? -0.5 * Math.log(2 * Math.PI * s2) - 0.5 * z * z
        : lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - 0.5 * Math.log(s2) - ((nu + 1) / 2) * Math.log(1 + (z * z) / nu);
    }
  }
  return logL;
}

test('v-sigma log L = the Gaussian of V and sigma written out, with V and V_rms^2 from jamVlos / jamVrms2 (PSF + pixel)', () => {
  const p = buildFitProblem(spec);
  assert.deepEqual(p.names, ['beta_z', 'inc_deg', 'log10_ml', 'kappa']);
  assert.deepEqual(Array.from(p.prior.lo.slice(3)), [KAPPA_RANGE[0]]);
  const blob = new Float64Array(2);
  const lp = p.logProb(F(x0), blob);
  const ref = reference(spec, 0, 'gaussian');
  assert.ok(Math.abs(lp - ref) < 1e-6 * Math.abs(ref), `${lp} vs ${ref}`);
  // The model's V flips with kappa (and log L changes).
  const flipped = p.logProb(F([...x0.slice(0, 3), -P.kappa]), blob);
  assert.ok(flipped < lp - 10, `${flipped} vs ${lp}`);
});

test('v-sigma with the fractional systematic (f_sys x model V_rms on both moments) and the Student-t', () => {
  const fs = 0.05;
  const p = buildFitProblem({ ...spec, systematics: 'fraction' });
  assert.deepEqual(p.names, ['beta_z', 'inc_deg', 'log10_ml', 'kappa', 'log10_f_sys']);
  const lp = p.logProb(F([...x0, Math.log10(fs)]), new Float64Array(2));
  const ref = reference(spec, fs, 'gaussian');
  assert.ok(Math.abs(lp - ref) < 1e-6 * Math.abs(ref), `${lp} vs ${ref}`);
  const pt = buildFitProblem({ ...spec, likelihood: 'student-t' });
  const lt = pt.logProb(F(x0), new Float64Array(2));
  const rt = reference(spec, 0, 'student-t');
  assert.ok(Math.abs(lt - rt) < 1e-6 * Math.abs(rt), `${lt} vs ${rt}`);
});

test('v-sigma: bad specs are one-line InputErrors naming the parameter', () => {
  const bad = (s: Partial<FitSpec>, where: string) =>
    assert.throws(() => buildFitProblem({ ...spec, ...s }), (e: unknown) => e instanceof InputError && e.where.startsWith(where) && !e.message.includes('\n'));
  bad({ v: undefined }, 'moments');
  bad({ kappaRange: [1, -1] }, 'kappa_range');
  bad({ moments: 'vrms', kappaRange: [-1, 1] }, 'kappa_range');
  bad({ moments: 'x' as 'vrms' }, 'moments');
  bad({ align: 'sph' }, 'moments');
  bad({ mlMode: 'profile' }, 'ml_mode');
  bad({ sigmaErr: [0, 1, 1, 1, 1, 1] }, 'tiny: sigma_err[0]');
  // kappa_range narrows the prior column.
  const p = buildFitProblem({ ...spec, kappaRange: [0, 1] });
  assert.equal(p.logProb(F([...x0.slice(0, 3), -0.1]), new Float64Array(2)), -Infinity);
});
