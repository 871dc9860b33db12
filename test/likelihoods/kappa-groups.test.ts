/**
 * One kappa per anisotropy group (`kappa_groups`, likelihoods/v-sigma.ts withKappaPrior and
 * likelihoods/grid-model.ts): the prior's kappa_<g> columns, the per-Gaussian kappa the first
 * moment receives (against jamVlos given that vector by hand), bit-for-bit agreement with the
 * global kappa when the groups' kappas are equal, a field that one global kappa cannot fit, and
 * the one-line errors naming kappa_groups.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { jamVlos } from '../../src/jam/first-moment-jam.ts';
import { jamVrms2 } from '../../src/jam/jam.ts';
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { parameterDescriptor, reportedName } from '../../likelihoods/parameters.ts';
import { KAPPA_RANGE, type VSigmaLikelihood } from '../../likelihoods/v-sigma.ts';

const LIGHT = { surf: [3000, 800, 120], sigma: [0.8, 3, 9], qobs: [0.85, 0.75, 0.7] };
// --beta-groups 5: Gaussians 0 and 1 (sigma 0.8", 3") in group 1, Gaussian 2 (9") in group 2.
const GROUP = [0, 0, 1];
const x = [1.2, -2.5, 3.5, 0.5, -5, 6.5, 8, -9];
const y = [0.3, 1.0, -2.0, 3.0, -0.5, 1.5, -1, 2];
const psf = { sigma: [0.9], weight: [1] };
const B = [0.15, -0.1];
const INC = 65;
const ML = 4;
const K = [0.3, 1.1];
const opts = { psf, pixsize: 0.4 };
const params = { mgeLum: LIGHT, mgePot: LIGHT, incDeg: INC, beta: GROUP.map((g) => B[g]), distanceMpc: 16, ml: ML };
const v2True = jamVrms2(params, x, y, opts);
const vTrue = jamVlos(params, x, y, GROUP.map((g) => K[g]), opts);
const sTrue = Array.from(vTrue, (v, i) => Math.sqrt(v2True[i] - v * v));
const err = x.map(() => 2);
const spec: FitSpec = {
  x, y, vrms: Array.from(v2True, Math.sqrt), err, source: 'tiny', light: LIGHT, lightSource: 'tiny-mge',
  distanceMpc: 16, massModel: 'light', mbh: 0, psf, pixsize: 0.4, mlMode: 'sample', incPrior: 'uniform', ranges: {}, engine: 'direct',
  systematics: 'none', likelihood: 'gaussian', moments: 'v-sigma', v: Array.from(vTrue), vErr: err, sigma: sTrue, sigmaErr: err,
  betaGroups: [5], kappaGroups: true,
};
const F = (a: number[]) => Float64Array.from(a);
const xTrue = F([...B, INC, Math.log10(ML), ...K]);

test('kappa_groups: the prior has kappa_1..kappa_G after the shape columns, each over kappa_range; the table describes them as kappa', () => {
  const p = buildFitProblem(spec);
  assert.deepEqual(p.names, ['beta_z_1', 'beta_z_2', 'inc_deg', 'log10_ml', 'kappa_1', 'kappa_2']);
  assert.deepEqual(Array.from(p.prior.lo.slice(4)), [KAPPA_RANGE[0], KAPPA_RANGE[0]]);
  assert.deepEqual(Array.from(p.prior.hi.slice(4)), [KAPPA_RANGE[1], KAPPA_RANGE[1]]);
  const u = p.prior.unpack(xTrue);
  assert.deepEqual(Array.from(u.kappaGroups!), K);
  assert.equal(u.kappa, undefined);
  for (const n of ['kappa_1', 'kappa_2']) {
    const d = parameterDescriptor(n)!;
    assert.equal(d.option, 'kappa_range');
    assert.deepEqual(d.prior, KAPPA_RANGE);
    assert.equal(reportedName(n), n);
  }
  // kappa_range narrows every group's column.
  const q = buildFitProblem({ ...spec, kappaRange: [0, 1] });
  assert.equal(q.logProb(xTrue, new Float64Array(2)), -Infinity); // kappa_2 = 1.1 > 1
  assert.ok(q.logProb(F([...B, INC, Math.log10(ML), 0.3, 0.9]), new Float64Array(2)) > -Infinity);
});

test('kappa_groups: each Gaussian rotates with its group\'s kappa (the model V is jamVlos with the per-Gaussian vector)', () => {
  const p = buildFitProblem(spec);
  const m = (p.like as VSigmaLikelihood).modelMoments(p.prior.unpack(xTrue));
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(m.v[i] - vTrue[i]) < 1e-6 * Math.max(1, Math.abs(vTrue[i])), `bin ${i}: ${m.v[i]} vs ${vTrue[i]}`);
  // kappa_1 is the inner group's: swapping the groups' kappas changes V by far more than the above.
  const swapped = jamVlos(params, x, y, GROUP.map((g) => K[1 - g]), opts);
  const diff = Math.max(...Array.from(swapped, (v, i) => Math.abs(v - vTrue[i])));
  assert.ok(diff > 1, `swapping kappa_1 and kappa_2 moves V by ${diff} km/s only`);
  // The noise-free data are fitted exactly: chi^2 ~ 0 at the truth.
  const blob = new Float64Array(2);
  p.logProb(xTrue, blob);
  assert.ok(blob[0] < 1e-6, `chi2 ${blob[0]} at the truth`);
});

test('kappa_groups with equal kappas is the global-kappa model bit for bit', () => {
  const pg = buildFitProblem(spec);
  const p1 = buildFitProblem({ ...spec, kappaGroups: undefined });
  assert.deepEqual(p1.names, ['beta_z_1', 'beta_z_2', 'inc_deg', 'log10_ml', 'kappa']);
  const b1 = new Float64Array(2);
  const bg = new Float64Array(2);
  for (const k of [0.7, -0.4]) {
    const lg = pg.logProb(F([...B, INC, Math.log10(ML), k, k]), bg);
    const l1 = p1.logProb(F([...B, INC, Math.log10(ML), k]), b1);
    assert.equal(lg, l1, `kappa ${k}`);
    assert.deepEqual(Array.from(bg), Array.from(b1));
    const mg = (pg.like as VSigmaLikelihood).modelMoments(pg.prior.unpack(F([...B, INC, Math.log10(ML), k, k])));
    const m1 = (p1.like as VSigmaLikelihood).modelMoments(p1.prior.unpack(F([...B, INC, Math.log10(ML), k])));
    assert.deepEqual(Array.from(mg.v), Array.from(m1.v));
    assert.deepEqual(Array.from(mg.sigma), Array.from(m1.sigma));
  }
});

test('a field made with two kappas: one global kappa cannot fit it, one kappa per group does', () => {
  const p1 = buildFitProblem({ ...spec, kappaGroups: undefined });
  const blob = new Float64Array(2);
  let best = Infinity;
  let kBest = NaN;
  for (let k = 0; k <= 1.5; k += 0.05) {
    p1.logProb(F([...B, INC, Math.log10(ML), k]), blob);
    if (blob[0] < best) [best, kBest] = [blob[0], k];
  }
  console.log(`global kappa: best chi2 ${best.toFixed(1)} at kappa ${kBest.toFixed(2)} (8 bins, 2 km/s errors); per group: 0 at the truth`);
  assert.ok(best > 25, `one kappa fits the two-kappa field: chi2 ${best} at kappa ${kBest}`);
});

test('kappa_groups: without v-sigma or without groups, one-line InputErrors naming kappa_groups', () => {
  const bad = (s: Partial<FitSpec>, re: RegExp) =>
    assert.throws(() => buildFitProblem({ ...spec, ...s }), (e: unknown) => e instanceof InputError && e.where === 'kappa_groups' && re.test(e.message) && !e.message.includes('\n'));
  bad({ moments: 'vrms' }, /applies only to moments v-sigma/);
  bad({ betaGroups: undefined }, /needs anisotropy groups \(beta_groups\)/);
  bad({ kappaGroups: 'yes' as unknown as boolean }, /give true or false/);
});
