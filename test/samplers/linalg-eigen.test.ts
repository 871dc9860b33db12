/**
 * symmetricEigen (samplers/linalg.ts: the Jacobi solver of the sampler's start checks and of the
 * surrogate's PCA basis) against closed forms and A v = lambda v.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { symmetricEigen } from '../../samplers/linalg.ts';

/** Eigenpairs sorted by descending value, vectors as rows. */
function sorted(a: ArrayLike<number>, n: number) {
  const e = symmetricEigen(a, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => e.values[j] - e.values[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((c, r) => {
    for (let i = 0; i < n; i++) vectors[r * n + i] = e.vectors[i * n + c];
  });
  return { values: Float64Array.from(order, (c) => e.values[c]), vectors };
}

test('2 x 2 closed form and a diagonal matrix', () => {
  // [[2, 1], [1, 2]]: eigenvalues 3 and 1, vectors (1, 1)/sqrt2 and (1, -1)/sqrt2.
  const e = sorted([2, 1, 1, 2], 2);
  assert.ok(Math.abs(e.values[0] - 3) < 1e-14 && Math.abs(e.values[1] - 1) < 1e-14);
  assert.ok(Math.abs(Math.abs(e.vectors[0]) - Math.SQRT1_2) < 1e-14 && Math.abs(e.vectors[0] - e.vectors[1]) < 1e-14);
  const d = sorted([1, 0, 0, 0, 5, 0, 0, 0, 3], 3);
  assert.deepEqual(Array.from(d.values), [5, 3, 1]);
});

test('random 40 x 40: A v = lambda v, orthonormal vectors, trace preserved', () => {
  const n = 40;
  const rng = new Rng(5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  const e = sorted(a, n);
  let tr = 0;
  for (let i = 0; i < n; i++) tr += a[i * n + i];
  assert.ok(Math.abs(e.values.reduce((s, v) => s + v, 0) - tr) < 1e-10);
  for (let k = 0; k < n; k++) {
    if (k > 0) assert.ok(e.values[k] <= e.values[k - 1]);
    const v = e.vectors.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * v[j];
      assert.ok(Math.abs(av - e.values[k] * v[i]) < 1e-10, `vector ${k} row ${i}`);
    }
    for (let m = k; m < n; m++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * e.vectors[m * n + i];
      assert.ok(Math.abs(dot - (m === k ? 1 : 0)) < 1e-12);
    }
  }
});
