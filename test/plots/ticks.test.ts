/** Axis ticks: nice steps, and termination on ranges below the values' rounding. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks } from '../../src/plots/ticks.ts';

test('niceTicks: 1-2-2.5-5 steps inside the range; a range of a few ulps (equal values but for rounding) gives its two ends instead of looping', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(3, 3, 5), [3]);
  // Galaxies of the same luminosity up to rounding (a survey of copies): this looped without end
  // (v += step did not move v) until the tick array overflowed.
  const lo = 11.000000000000002;
  const hi = 11.000000000000004;
  assert.deepEqual(niceTicks(lo, hi, 5), [lo, hi]);
  assert.ok(niceTicks(10.2, 10.2000000001, 4).length <= 5);
});
