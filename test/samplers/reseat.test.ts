/** Stranded walkers (samplers/reseat.ts): the threshold, the detection, and the sampler's one move at reseatAt. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { EnsembleSampler, MemoryBackend, Rng } from '../../samplers/index.ts';
import { strandedWalkers, strandThreshold } from '../../samplers/index.ts';
import { RESEAT_STEP, reseatDiscard } from '../../src/fit/fit.ts';

test('strandThreshold: half the chi^2_d quantile at 1 - 1e-7 / nwalkers, against the exact quantile', () => {
  // chi^2 survival in closed form for even d: exp(-x/2) sum_{j < d/2} (x/2)^j / j!, inverted by bisection.
  const survival = (x: number, d: number) => {
    let term = 1;
    let sum = 1;
    for (let j = 1; j < d / 2; j++) sum += (term *= x / 2 / j);
    return Math.exp(-x / 2) * sum;
  };
  const quantile = (p: number, d: number) => {
    let [lo, hi] = [0, 1000];
    for (let i = 0; i < 200; i++) [lo, hi] = survival((lo + hi) / 2, d) > p ? [(lo + hi) / 2, hi] : [lo, (lo + hi) / 2];
    return lo;
  };
  for (const [d, w] of [[2, 32], [4, 32], [10, 64], [20, 64]]) {
    const exact = quantile(1e-7 / w, d) / 2;
    const t = strandThreshold(d, w);
    // Wilson-Hilferty this far out errs high (a walker is flagged less often, never more): by
    // at most 16% (d = 2; 9% at d = 4).
    assert.ok(t >= exact && t <= 1.16 * exact, `d ${d}: threshold ${t}, exact ${exact}`);
  }
});

test('strandedWalkers: deficits beyond the threshold and -Infinity, in index order; none when all are -Infinity', () => {
  const t = strandThreshold(3, 8);
  const lp = [-1, -2, -0.5 - t - 0.01, -3, -Infinity, -0.5 - t + 0.01, -0.5, -2];
  assert.deepEqual(strandedWalkers(lp, 3), [2, 4]);
  assert.deepEqual(strandedWalkers(lp.map(() => -Infinity), 3), []);
  assert.deepEqual(strandedWalkers([0, -1, -2], 3), []);
});

// A mode at the origin, falling off as r^4, and at (12, 12) a narrow pocket 300 below it: a local
// mode the stretch move cannot leave (its proposals land at least halfway back to the other
// walkers, where ln p is below -2000).
const target = (x: Float64Array) => {
  const r2 = x[0] ** 2 + x[1] ** 2;
  return Math.max(-0.5 * r2 * (1 + r2), -300 - 50 * ((x[0] - 12) ** 2 + (x[1] - 12) ** 2));
};
const start = () => {
  const r = new Rng(3);
  return Array.from({ length: 16 }, (_, k) => (k === 5 ? [12 + 0.01 * r.normal(), 12 + 0.01 * r.normal()] : [r.normal(), r.normal()]));
};
const run = async (reseatAt?: number, split = false) => {
  const s = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: target, seed: 7, backend: new MemoryBackend() });
  let r;
  if (split) {
    await s.run(start(), 50);
    r = await s.run(null, 150, { reseatAt });
  } else r = await s.run(start(), 200, { reseatAt });
  return { s, r };
};

test('a walker in a far pocket stays there without the move, and joins the others with it', async () => {
  const without = await run();
  const lpOff = without.s.getLogProb({ flat: false }) as number[][];
  assert.ok(lpOff[199][5] < -290, `the pocket walker left on its own (ln p ${lpOff[199][5]}): the test's premise fails`);
  assert.deepEqual(without.r.reseated, []);
  const withMove = await run(50);
  assert.deepEqual(withMove.r.reseated, [5]);
  const lp = withMove.s.getLogProb({ flat: false }) as number[][];
  assert.ok(lp[49][5] < -290, 'step 50 is stored before the move');
  for (let t = 50; t < 200; t++) assert.ok(lp[t][5] > -100, `step ${t}: walker 5 at ln p ${lp[t][5]}`);
  // Steps before the move are identical to the run without it: the stream is only used at the move.
  const a = without.s.getChain({ flat: false }) as number[][][];
  const b = withMove.s.getChain({ flat: false }) as number[][][];
  assert.deepEqual(b.slice(0, 50), a.slice(0, 50));
});

test('the move is the same when a run resumes exactly at reseatAt, and a chain with no stranded walker is unchanged', async () => {
  const whole = await run(50);
  const split = await run(50, true);
  assert.deepEqual(split.r.reseated, [5]);
  assert.deepEqual(split.s.getChain({ flat: false }), whole.s.getChain({ flat: false }));
  // Without a pocket walker nothing is moved and the chain is bit-identical to one without the option.
  const plain = (reseatAt?: number) => {
    const s = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: target, seed: 7 });
    const r = new Rng(4);
    return s.run(Array.from({ length: 16 }, () => [r.normal(), r.normal()]), 120, { reseatAt }).then((res) => ({ s, res }));
  };
  const [p0, p1] = [await plain(), await plain(50)];
  assert.deepEqual(p1.res.reseated, []);
  assert.deepEqual(p1.s.getChain({ flat: false }), p0.s.getChain({ flat: false }));
  await assert.rejects(plain(0), (e: unknown) => e instanceof InputError && e.where === 'reseatAt');
});

test('reseatDiscard: the fit discards the burn-in before a move, and only then', () => {
  const nw = 16;
  const n = RESEAT_STEP + 50;
  const lp = new Float64Array(n * nw).fill(-1);
  assert.equal(reseatDiscard(lp, n, nw, 3), 0);
  lp[(RESEAT_STEP - 1) * nw + 7] = -500;
  assert.equal(reseatDiscard(lp, n, nw, 3), RESEAT_STEP);
  assert.equal(reseatDiscard(lp, RESEAT_STEP, nw, 3), 0, 'a chain that ends at the step was never moved');
  lp[(RESEAT_STEP - 2) * nw + 7] = -500;
  lp[(RESEAT_STEP - 1) * nw + 7] = -1;
  assert.equal(reseatDiscard(lp, n, nw, 3), 0, 'the test reads the ln p after the step, not another row');
});

test('auto-stop does not end a run for walkers stuck before the reseat step: it moves them and goes on', async () => {
  // A point pocket: walker 5 starts exactly on it, and every proposal leaves it (stuck for good).
  const point = (x: Float64Array) => (x[0] === 12 && x[1] === 12 ? -300 : -0.5 * (x[0] ** 2 + x[1] ** 2) * (1 + x[0] ** 2 + x[1] ** 2));
  const init = start().map((r, k) => (k === 5 ? [12, 12] : r));
  const go = (reseatAt?: number) => new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: point, seed: 7 }).run(init, 3000, { autoStop: { every: 50 }, reseatAt });
  const stopped = await go();
  assert.equal(stopped.status, 'stuck-walkers', 'without the reseat the stuck walker ends the run');
  assert.ok(stopped.iteration <= 200);
  const moved = await go(150);
  assert.deepEqual(moved.reseated, [5]);
  assert.notEqual(moved.status, 'stuck-walkers');
  assert.ok(moved.iteration > 150);
});
