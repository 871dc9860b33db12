/**
 * constraintWarnings (src/fit/fit.ts): a posterior pressed against one of the prior's joint
 * constraints (likelihoods/fit-prior.ts: the mass and light deprojection limits, the beta_z
 * limit) is named in a warning; one that keeps clear of them is not. Draws are placed by hand
 * at a known slack from the mass-deprojection boundary q_M = hypot(cos i, 0.05 sin i).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import { intrinsicQ } from '../../src/jam/deproject.ts';
import { constraintWarnings } from '../../src/fit/fit.ts';

const light = { surf: [1000, 200], sigma: [1, 5], qobs: [0.8, 0.8] };
const prior = fitPrior({ massModel: 'qm', mlMode: 'sample', light });
const problem = { prior, names: prior.names };
const DEG = Math.PI / 180;

/** n draws at inclination i with q_M giving intrinsic q = 0.05 + slack (the first `near` of them at slack 0.002). */
function draws(n: number, near: number, i = 70): Float64Array {
  const out = new Float64Array(n * 4);
  for (let k = 0; k < n; k++) {
    const qi = 0.05 + (k < near ? 0.002 : 0.3);
    const qM = Math.sqrt(Math.cos(i * DEG) ** 2 + (qi * Math.sin(i * DEG)) ** 2);
    out.set([0.0, qM, i, Math.log10(3)], 4 * k);
  }
  return out;
}

test('a posterior at the mass deprojection limit is named; one clear of it is not', () => {
  assert.deepEqual(prior.names, ['beta_z', 'q_m', 'inc_deg', 'log10_ml']);
  // The construction puts the draws where it says.
  const x = draws(1, 1);
  assert.ok(Math.abs(intrinsicQ(x[1], x[2]) - 0.052) < 1e-9);
  const w = constraintWarnings(draws(400, 40), problem, 'surrogate');
  assert.equal(w.length, 1, w.join('\n'));
  assert.match(w[0], /^10% of the posterior lies within 0\.01 of the model's limit intrinsic q of the mass \(from q_M and i\) >= 0\.05: .*training domain ends there too/);
  assert.deepEqual(constraintWarnings(draws(400, 0), problem, 'direct'), []);
  // Below 2.5% of the draws it is a tail, not a pile-up.
  assert.deepEqual(constraintWarnings(draws(400, 9), problem, 'direct'), []);
  assert.equal(constraintWarnings(draws(400, 10), problem, 'direct').length, 1);
});

test('the beta_z limit: draws within 0.01 below 0.7 eps_intr of the light are named', () => {
  const x = draws(200, 0);
  const i = 70;
  const limit = 0.7 * (1 - intrinsicQ(0.8, i));
  for (let k = 0; k < 100; k++) x[4 * k] = limit - 0.005;
  const w = constraintWarnings(x, problem, 'direct');
  assert.equal(w.length, 1);
  assert.match(w[0], /^50% of the posterior lies within 0\.01 of the model's limit beta_z < 0\.7 eps_intr of the light \(q' 0\.8\)/);
});

test('an engine\'s own limit (Engine.limitsOf, in the unpacked parameters) is named with its fix', () => {
  const x = draws(200, 0);
  for (let k = 0; k < 20; k++) x[4 * k] = 0.095; // beta_z within 0.01 below a limit at 0.1 (and clear of 0.7 eps_intr)
  const lim = [{ name: 'beta_z <= a limit at 0.1', slack: (v: ArrayLike<number>) => 0.1 - prior.unpack(v).betaZ, fix: 'refit with --engine tabulated' }];
  const w = constraintWarnings(x, problem, 'surrogate', lim);
  assert.deepEqual(w, ["10% of the posterior lies within 0.01 of the surrogate engine's limit beta_z <= a limit at 0.1: the posterior is cut there, not by the data; refit with --engine tabulated"]);
  for (let k = 0; k < 20; k++) x[4 * k] = 0.05;
  assert.deepEqual(constraintWarnings(x, problem, 'surrogate', lim), []);
});

