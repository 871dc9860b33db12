/**
 * The logistic anisotropy profile (src/jam/anisotropy-profile.ts, Simon, Cappellari & Hartke 2024)
 * and its use in fits (likelihoods/beta-profile.ts, likelihoods/grid-model.ts):
 *  - the formula at hand-computed points (r = r_a gives the mean; the limits; alpha = 2 values);
 *  - the per-Gaussian betas of a model are the formula at r = sigma_k: the grid model with the
 *    profile equals a spherically aligned JAM given those betas as an explicit array;
 *  - beta_0 = beta_inf reduces to the constant-beta model (any r_a);
 *  - the prior: columns, unpack (r_a = 10^log10_r_a), the beta limit on beta_inf, bad ranges.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { defaultRaRange, withLogisticPrior } from '../../likelihoods/beta-profile.ts';
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import { exactJamGridModel, newGridParams } from '../../likelihoods/grid-model.ts';
import { logisticBeta, logisticBetas, LOGISTIC_ALPHA } from '../../src/jam/anisotropy-profile.ts';
import { pointsPolarGrid } from '../../src/jam/jam.ts';
import { prepareModel } from '../../src/jam/model.ts';
import { vrms2DirectSph } from '../../src/jam/sph-los.ts';
import { EXACT_LIMITS } from '../../likelihoods/fit-prior.ts';

const LIGHT = { surf: [3000, 800, 120, 30], sigma: [0.5, 2, 6, 15], qobs: [0.85, 0.8, 0.75, 0.7] };

test('logistic beta(r): hand values, the mean at r = r_a, the limits', () => {
  const p = { rA: 2, beta0: -0.2, betaInf: 0.4, alpha: 2 };
  assert.ok(Math.abs(logisticBeta(2, p) - 0.1) < 1e-15); // (beta_0 + beta_inf) / 2
  // r = 4: (r_a/r)^2 = 1/4 -> beta_0 + 0.6 / 1.25 = 0.28; r = 1: (r_a/r)^2 = 4 -> -0.2 + 0.6 / 5 = -0.08
  assert.ok(Math.abs(logisticBeta(4, p) - 0.28) < 1e-15);
  assert.ok(Math.abs(logisticBeta(1, p) + 0.08) < 1e-15);
  assert.ok(Math.abs(logisticBeta(1e-6, p) - -0.2) < 1e-9);
  assert.ok(Math.abs(logisticBeta(1e6, p) - 0.4) < 1e-9);
  // alpha = 1: r = 6, r_a = 2 -> -0.2 + 0.6 / (1 + 1/3) = 0.25
  assert.ok(Math.abs(logisticBeta(6, { ...p, alpha: 1 }) - 0.25) < 1e-15);
  assert.deepEqual(Array.from(logisticBetas([1, 2, 4], p)), [logisticBeta(1, p), logisticBeta(2, p), logisticBeta(4, p)]);
  assert.throws(() => logisticBeta(1, { ...p, rA: 0 }), (e: unknown) => e instanceof InputError && e.where === 'r_a');
  assert.throws(() => logisticBeta(1, { ...p, alpha: -1 }), (e: unknown) => e instanceof InputError && e.where === 'alpha');
});

const grid = pointsPolarGrid(0.8, [0.5, 1, 3, 8, -4, 2], [0.2, 1, -1, 2, 3, -5], 8, 5);
const model = exactJamGridModel({ light: LIGHT, massModel: 'light', distanceMpc: 20, grid, align: 'sph' });
const base = { ...newGridParams(), incDeg: 60, ml: 3 };

test('per-Gaussian betas are beta(sigma_k): the model equals the spherically aligned JAM given them as an array', () => {
  const prof = { rA: 3, beta0: -0.3, betaInf: 0.35, alpha: LOGISTIC_ALPHA };
  const got = model.vrms2({ ...base, betaZ: 0.9 /* ignored */, logistic: prof }, new Float64Array(grid.x.length));
  // The betas written out with the formula, independently of logisticBetas.
  const betas = LIGHT.sigma.map((s) => prof.beta0 + (prof.betaInf - prof.beta0) / (1 + (prof.rA / s) ** 2));
  const ref = vrms2DirectSph(prepareModel({ mgeLum: LIGHT, mgePot: LIGHT, incDeg: 60, beta: betas, distanceMpc: 20, ml: 3 }), grid.x, grid.y);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i] / ref[i] - 1) < 1e-12, `node ${i}: ${got[i]} vs ${ref[i]}`);
  // ... and differs from the constant-beta model at beta_0 (the profile matters).
  const flat = model.vrms2({ ...base, betaZ: -0.3 }, new Float64Array(grid.x.length));
  assert.ok(flat.some((v, i) => Math.abs(v / got[i] - 1) > 1e-3));
});

test('beta_0 = beta_inf reduces to the constant-beta model, whatever r_a', () => {
  const n = grid.x.length;
  const flat = model.vrms2({ ...base, betaZ: 0.2 }, new Float64Array(n));
  for (const rA of [0.1, 3, 100]) {
    const got = model.vrms2({ ...base, betaZ: 0, logistic: { rA, beta0: 0.2, betaInf: 0.2, alpha: 2 } }, new Float64Array(n));
    for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] / flat[i] - 1) < 1e-14, `r_a ${rA}, node ${i}`);
  }
});

test('the logistic prior: columns beta_0 .. log10_r_a, beta_inf; unpack; the beta limit applies to beta_inf; bad ranges', () => {
  const basePrior = fitPrior({ massModel: 'light', mlMode: 'sample', light: LIGHT, limits: EXACT_LIMITS });
  assert.deepEqual(defaultRaRange(LIGHT.sigma), [0.5, 15]);
  const pr = withLogisticPrior(basePrior, [0.5, 15]);
  assert.deepEqual(pr.names, ['beta_0', 'inc_deg', 'log10_ml', 'log10_r_a', 'beta_inf']);
  assert.ok(Math.abs(pr.lo[3] - Math.log10(0.5)) < 1e-15 && Math.abs(pr.hi[3] - Math.log10(15)) < 1e-15);
  const x = [0.1, 70, 0.5, Math.log10(4), -0.2];
  const p = pr.unpack(x);
  assert.deepEqual(p.logistic, { rA: 10 ** Math.log10(4), beta0: 0.1, betaInf: -0.2, alpha: 2 });
  assert.equal(pr.logPrior(x), 0);
  // beta_inf above the base prior's beta limit at this inclination: refused like beta_0 would be.
  const betaTooHigh = [0.1, 70, 0.5, Math.log10(4), pr.hi[4]];
  assert.equal(pr.logPrior(betaTooHigh), basePrior.logPrior([pr.hi[4], 70, 0.5]));
  assert.equal(pr.logPrior([0.1, 70, 0.5, Math.log10(40), 0]), -Infinity); // r_a outside its range
  for (const r of [[0, 5], [-1, 5], [5, 2]] as [number, number][]) {
    assert.throws(() => withLogisticPrior(basePrior, r), (e: unknown) => e instanceof InputError && e.where === 'ra_range' && !e.message.includes('\n'));
  }
  const grouped = fitPrior({ massModel: 'light', mlMode: 'sample', light: LIGHT, limits: EXACT_LIMITS, betaGroups: 2 });
  assert.throws(() => withLogisticPrior(grouped, [0.5, 15]), (e: unknown) => e instanceof InputError && e.where === 'beta_groups');
});
