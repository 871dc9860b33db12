/** linearAt (src/math/linear-at.ts): exact on a linear function, the ends held, NaN passed on, one node. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearAt } from '../../src/math/linear-at.ts';

test('linearAt reproduces a piecewise-linear function and holds its ends', () => {
  const x = [0, 1, 3, 7];
  const y = [2, 4, 0, 8];
  const f = (t: number) => (t <= 1 ? 2 + 2 * t : t <= 3 ? 4 - 2 * (t - 1) : 0 + 2 * (t - 3));
  for (const t of [0, 0.25, 1, 1.5, 2.999, 3, 5, 7]) assert.ok(Math.abs(linearAt(x, y, t) - f(t)) < 1e-12, `at ${t}`);
  assert.equal(linearAt(x, y, -5), 2);
  assert.equal(linearAt(x, y, 50), 8);
  assert.ok(Number.isNaN(linearAt(x, y, NaN)));
  assert.equal(linearAt([4], [9], 1), 9);
});
