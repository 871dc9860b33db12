/**
 * Domain violations in a posterior: a sampler whose prior reaches inclinations the MGE cannot be
 * deprojected at (q' too flat) must reject those points (-Infinity), not stop; real bugs must
 * still stop it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError, InputError, NumericalError } from '../../core/errors.ts';
import { boxPrior } from '../../likelihoods/box-prior.ts';
import { domainSafe, logPosterior } from '../../likelihoods/posterior.ts';
import { checkVrmsData, marginal } from '../../likelihoods/vrms-gaussian.ts';
import { ball, EnsembleSampler } from '../../samplers/index.ts';
import { minQobs } from '../../src/jam/deproject.ts';
import { jamVrms } from '../../src/jam/jam.ts';
import type { JamParams } from '../../src/jam/model.ts';

// A tiny 3-Gaussian MGE (light = mass, M/L scale marginalised) with q' = 0.6: it deprojects only
// for inclinations with minQobs(i) <= 0.6, i.e. i >= ~53.3 deg.
const mge = { surf: [5000, 1000, 100], sigma: [0.5, 2, 6], qobs: [0.6, 0.6, 0.6] };
const base: JamParams = { mgeLum: mge, mgePot: mge, incDeg: 70, beta: 0.1, distanceMpc: 15 };
const x = [0.5, 1.5, 3, 0, 1, 4];
const y = [0, 0.5, 1, 1.5, 2.5, 0.5];
const truth = jamVrms(base, x, y);
const data = checkVrmsData(Array.from(truth, (v, i) => 2 * v * (1 + 0.01 * Math.cos(3 * i))), Array.from(truth, (v) => 0.02 * 2 * v));
const model = (p: Float64Array) => jamVrms({ ...base, incDeg: p[0], beta: p[1] }, x, y);
const prior = boxPrior({ inc_deg: [30, 90], beta_z: [-0.3, 0.5] });

/** Smallest inclination this MGE allows, by bisection on minQobs (independent of the deprojection's own check). */
function incLimit(q: number): number {
  let lo = 1;
  let hi = 90;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (minQobs(mid) > q) lo = mid;
    else hi = mid;
  }
  return hi;
}

test('the deprojection refuses a too-flat q\' with a DomainError (still an InputError for the CLI)', () => {
  assert.throws(() => model(Float64Array.of(45, 0)), (e: unknown) => e instanceof DomainError && e instanceof InputError && e.where === 'mge_lum.qobs[0]');
  assert.throws(() => model(Float64Array.of(70, 1)), (e: unknown) => e instanceof DomainError && e.where === 'beta_z');
  // Not a domain violation: a NaN parameter is a bug, a plain InputError.
  assert.throws(() => model(Float64Array.of(NaN, 0)), (e: unknown) => e instanceof InputError && !(e instanceof DomainError));
});

test('domainSafe maps DomainError to -Infinity and rethrows everything else', () => {
  const blob = new Float64Array(0);
  const at = Float64Array.of(0);
  assert.equal(domainSafe(() => { throw new DomainError('inc_deg', 'too low'); })(at, blob), -Infinity);
  for (const err of [new InputError('x', 'is NaN'), new TypeError('bug'), new NumericalError('diverged')]) {
    assert.throws(() => domainSafe(() => { throw err; })(at, blob), (e: unknown) => e === err);
  }
  assert.equal(domainSafe(() => -3.5)(at, blob), -3.5);
  // The prior is checked first: outside it the likelihood is not called.
  let calls = 0;
  const post = logPosterior((p) => (p[0] > 0 ? 0 : -Infinity), () => (calls++, -1));
  assert.equal(post(Float64Array.of(-1), blob), -Infinity);
  assert.equal(calls, 0);
  assert.equal(post(Float64Array.of(1), blob), -1);
});

test('EnsembleSampler on a JAM posterior whose prior reaches below the q\' limit: completes, never accepts such a point', async () => {
  const iMin = incLimit(0.6);
  assert.ok(iMin > 53 && iMin < 54, `limit ${iMin}`);
  let rejectedByDomain = 0;
  const logLike = (p: Float64Array) => {
    try {
      return marginal(data, model(p)).logL;
    } catch (e) {
      if (e instanceof DomainError) rejectedByDomain++;
      throw e;
    }
  };
  // Walkers start near the limit (i = 55..58) so that stretch moves often propose i < iMin.
  const nwalkers = 8;
  const init = ball([56.5, 0.1], [1, 0.05], { nwalkers, seed: 3, logProb: (p) => prior.logPrior(p) });
  for (const w of init) assert.ok(w[0] > iMin);

  // Without the wrapper the first such proposal stops the sampler with the deprojection's error.
  const raw = new EnsembleSampler({ nwalkers, ndim: 2, seed: 7, logProb: (p) => prior.logPrior(p) + logLike(p) });
  await assert.rejects(raw.run(init, 40), (e: unknown) => e instanceof NumericalError && /logProb threw at walker \d+, x = \[5\d\.\d+.*flatter than inclination/.test(e.message));

  rejectedByDomain = 0;
  const s = new EnsembleSampler({ nwalkers, ndim: 2, seed: 7, logProb: logPosterior(prior.logPrior, logLike) });
  const r = await s.run(init, 40);
  assert.equal(r.steps, 40);
  assert.ok(rejectedByDomain > 0, 'some proposals must fall below the limit, or this test shows nothing');
  let minInc = Infinity;
  for (const p of s.getChain({ flat: true })) minInc = Math.min(minInc, p[0]);
  assert.ok(minInc >= iMin, `chain reached i = ${minInc} below the limit ${iMin}`);
  assert.ok(s.getLogProb({ flat: true }).every((v) => Number.isFinite(v)));
  assert.ok(r.acceptance > 0.05, `acceptance ${r.acceptance}`);
});
