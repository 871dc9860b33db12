/**
 * Every move, alone and mixed by weight, leaves the target invariant: moments within 4 MCSE and
 * KS on the marginals (tolerances in ./helpers.ts). Starts are exact draws from the target.
 * The DE-snooker is checked where its Jacobian matters (6 dimensions), and the test's power is
 * shown by running emcee <= 3.1.6's snooker (wrong axis normalisation and half the exponent),
 * which the same check must reject.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deMove, EnsembleSampler, Rng, snookerMove, stretchMove, walkMove, type Move, type ProposalContext } from '../../samplers/index.ts';
import { normalCdf } from '../../samplers/diagnostics/normal.ts';
import { assertRecovered, moments, type Truth } from './helpers.ts';
import { corr2, corr2Draws, rotatedGaussian, stdNormal } from './fixtures/targets.ts';

const phi = (s: number) => (x: number) => normalCdf(x / s);
const corrTruth: Truth = { mean: [0, 0], sd: [1, 1], cdf: [phi(1), phi(1)] };
const normalTruth = (D: number, sd = 1): Truth => ({ mean: new Array(D).fill(0), sd: new Array(D).fill(sd), cdf: new Array(D).fill(phi(sd)) });
const normalDraws = (n: number, D: number, rng: Rng) => Array.from({ length: n }, () => Array.from({ length: D }, () => rng.normal()));

test('DE move on the correlated 2-D Gaussian', async () => {
  const s = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, moves: deMove(), seed: 31 });
  await s.run(corr2Draws(32, new Rng(31)), 20000);
  assertRecovered('de', moments(s, corrTruth, 4));
});

test('walk move (all complementary walkers, and a subset s = 3) on the correlated 2-D Gaussian', async () => {
  for (const [move, seed] of [[walkMove(), 32], [walkMove({ s: 3 }), 33]] as const) {
    const s = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, moves: move, seed });
    await s.run(corr2Draws(32, new Rng(seed)), 20000);
    assertRecovered(move.name, moments(s, corrTruth, 4));
  }
});

test('DE-snooker alone on a 6-D standard normal', async () => {
  const s = new EnsembleSampler({ nwalkers: 32, ndim: 6, logProb: stdNormal, moves: snookerMove(), seed: 34 });
  await s.run(normalDraws(32, 6, new Rng(34)), 20000);
  assertRecovered('snooker', moments(s, normalTruth(6), 4));
});

/** emcee 3.1.6's DESnookerMove.get_proposal transcribed (with 2 splits): the bug under test. */
function emceeSnooker(): Move {
  return {
    name: 'emcee-snooker',
    setup() {},
    propose({ ndim, pos, s, c, prop, factors, rng }: ProposalContext) {
      for (let i = 0; i < s.length; i++) {
        const k = s[i];
        const a = rng.int(c.length);
        let b = rng.int(c.length - 1);
        if (b >= a) b++;
        let m = rng.int(c.length - 2);
        if (m >= Math.min(a, b)) m++;
        if (m >= Math.max(a, b)) m++;
        const z = c[a] * ndim, z1 = c[b] * ndim, z2 = c[m] * ndim, o = k * ndim;
        let norm = 0;
        for (let d = 0; d < ndim; d++) norm += (pos[o + d] - pos[z + d]) ** 2;
        norm = Math.sqrt(norm);
        let proj = 0;
        // u = delta / sqrt(norm): the bug (should be delta / norm).
        for (let d = 0; d < ndim; d++) proj += ((pos[o + d] - pos[z + d]) / Math.sqrt(norm)) * (pos[z1 + d] - pos[z2 + d]);
        let nq = 0;
        for (let d = 0; d < ndim; d++) {
          prop[o + d] = pos[o + d] + ((pos[o + d] - pos[z + d]) / Math.sqrt(norm)) * 1.7 * proj;
          nq += (prop[o + d] - pos[z + d]) ** 2;
        }
        // 0.5 (ndim - 1) log(|q - z| / |x - z|): the second bug (should be (ndim - 1) log(...)).
        factors[k] = 0.5 * (ndim - 1) * (Math.log(Math.sqrt(nq)) - Math.log(norm));
      }
    },
  };
}

test("the same check rejects emcee 3.1.6's DE-snooker (the test has power)", async () => {
  const s = new EnsembleSampler({ nwalkers: 32, ndim: 6, logProb: stdNormal, moves: emceeSnooker(), seed: 34 });
  await s.run(normalDraws(32, 6, new Rng(34)), 20000);
  const reps = moments(s, normalTruth(6), 4);
  const worst = Math.max(...reps.map((r) => Math.abs(r.zSd)));
  assert.ok(worst > 4, `emcee's snooker gave sd z-scores up to ${worst.toFixed(1)}; expected a detectable bias`);
});

test('weighted mixture: DE 0.8 + snooker 0.2 on the 10-D rotated Gaussian; stretch 0.5 + walk 0.5 on 2-D', async () => {
  const g = rotatedGaussian();
  const sd = Array.from({ length: g.D }, (_, d) => Math.sqrt(g.cov[d * g.D + d]));
  const s = new EnsembleSampler({ nwalkers: 32, ndim: g.D, logProb: g.logProb, moves: [[deMove(), 0.8], [snookerMove(), 0.2]], seed: 35 });
  await s.run(g.draws(32, new Rng(35)), 20000);
  assertRecovered('de+snooker', moments(s, { mean: new Array(g.D).fill(0), sd, cdf: sd.map(phi) }, 10));
  const s2 = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, moves: [[stretchMove(), 1], [walkMove(), 1]], seed: 36 });
  await s2.run(corr2Draws(32, new Rng(36)), 20000);
  assertRecovered('stretch+walk', moments(s2, corrTruth, 4));
});

test('invalid move parameters are rejected by name', () => {
  assert.throws(() => stretchMove({ a: 1 }), /stretchMove\.a/);
  assert.throws(() => deMove({ sigma: -1 }), /deMove\.sigma/);
  assert.throws(() => walkMove({ s: 1 }), /walkMove\.s/);
  assert.throws(() => snookerMove({ gammaMin: 3, gammaMax: 2 }), /snookerMove/);
  // A 3-walker complement is needed by the snooker: 4 walkers give 2.
  assert.throws(() => new EnsembleSampler({ nwalkers: 4, ndim: 1, logProb: stdNormal, moves: snookerMove() }), /moves: the snooker move needs at least 3/);
  assert.throws(() => new EnsembleSampler({ nwalkers: 8, ndim: 1, logProb: stdNormal, moves: [[deMove(), 0]] }), /moves\[0\]: weight/);
});

test('stretch scale a: a = 3 accepts less often than a = 2, and a = 2 less than a = 1.5, by > 5 Monte-Carlo errors', async () => {
  // Per-walker acceptance fractions over 4000 steps (seeded, exact start, 2-D Gaussian rho 0.95).
  const fractions = async (a: number) => {
    const s = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, moves: stretchMove({ a }), seed: 37 });
    await s.run(corr2Draws(32, new Rng(37)), 4000);
    return s.acceptanceFraction;
  };
  // Monte-Carlo error of a mean acceptance: the spread of the 32 walkers' fractions / sqrt(32).
  // Each fraction averages 4000 autocorrelated accept indicators, so the spread carries their
  // autocorrelation; walkers interact through the ensemble, so treat it as approximate and ask
  // for 5 errors (measured: acceptance 0.830, 0.715, 0.580 at a = 1.5, 2, 3, each +- 0.0013).
  const stats = (f: number[]) => {
    const m = f.reduce((x, y) => x + y) / f.length;
    const v = f.reduce((x, y) => x + (y - m) ** 2, 0) / (f.length - 1);
    return { m, se: Math.sqrt(v / f.length) };
  };
  const [s15, s2, s3] = [stats(await fractions(1.5)), stats(await fractions(2)), stats(await fractions(3))];
  for (const [lo, hi, label] of [[s2, s15, '2 vs 1.5'], [s3, s2, '3 vs 2']] as const) {
    const se = Math.hypot(lo.se, hi.se);
    assert.ok(hi.m - lo.m > 5 * se, `a ${label}: acceptance ${lo.m.toFixed(4)} vs ${hi.m.toFixed(4)}, difference ${(hi.m - lo.m).toFixed(4)} < 5 x ${se.toFixed(4)}`);
  }
});
