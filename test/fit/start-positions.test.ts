/**
 * The walkers' start (src/fit/fit.ts startPositions) when the model refuses most of the prior (the
 * multi-component surrogate refuses beta_z above a galaxy's collapse limit, which the prior does
 * not know): it draws further rounds of 3 nwalkers until nwalkers have a finite posterior, keeps
 * the first round alone when that is enough, and names the prior when START_ROUNDS rounds are not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { START_ROUNDS, startPositions } from '../../src/fit/fit.ts';
import type { Rng } from '../../samplers/rng.ts';

/** A one-parameter problem, x ~ U(0, 1), whose posterior is finite only for x < allowed. */
function problem(allowed: number) {
  let calls = 0;
  return {
    p: {
      blobs: [],
      prior: { draw: (rng: Rng) => Float64Array.of(rng.uniform()) },
      logProb: (x: Float64Array) => {
        calls++;
        return x[0] < allowed ? -x[0] : -Infinity;
      },
    } as never,
    calls: () => calls,
  };
}

test('a prior mostly refused: more rounds until every walker starts where the posterior is finite', async () => {
  const n = 16;
  const { p, calls } = problem(0.1); // ~10% finite: ~5 of a round of 48
  const xs = await startPositions(p, n, 7);
  assert.equal(xs.length, n);
  for (const x of xs) assert.ok(x[0] < 0.1);
  assert.ok(calls() > 3 * n && calls() <= START_ROUNDS * 3 * n && calls() % (3 * n) === 0, `${calls()} evaluations`);
});

test('a first round with enough finite draws is all that is drawn (starts unchanged for existing seeds)', async () => {
  const { p, calls } = problem(1.1);
  const xs = await startPositions(p, 8, 7);
  assert.equal(calls(), 24);
  // The 8 best (largest -x: smallest x) of the 24 draws.
  assert.ok(xs.every((x, i) => i === 0 || x[0] >= xs[i - 1][0]));
});

test('a prior the model refuses everywhere names the prior after START_ROUNDS rounds', async () => {
  const { p } = problem(-1);
  await assert.rejects(startPositions(p, 4, 1), (e: unknown) => e instanceof InputError && e.message.includes(`only 0 of ${START_ROUNDS * 12} prior draws have a finite posterior`));
});
