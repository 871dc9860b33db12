/**
 * Bilinear interpolation weights on a regular 2-D lattice: the one interpolator behind the polar
 * grid (ln r_ell, eccentric anomaly) and the Cartesian pixel grids (y, x). A lattice is a product
 * of two regular axes; node (i, j) of `slow` x `fast` has flat index i * fast.n + j (row-major).
 */

/** A regular axis: n >= 2 nodes at start + k * step, k = 0..n-1, step > 0 (any unit). */
export interface Axis {
  n: number;
  start: number;
  step: number;
}

/**
 * Writes the 4 bilinear (flat node index, weight) pairs of the point (s, t) on the lattice
 * slow x fast into index/weight at positions k..k+3, in the order (i, j), (i, j+1), (i+1, j),
 * (i+1, j+1). The weights are >= 0 and sum to 1. A coordinate below the first node or above the
 * last is clamped to that edge (nearest-edge extrapolation), as is -Infinity (e.g. ln 0); NaN
 * is not checked (the caller validates its points).
 */
export function bilinearAt(slow: Axis, fast: Axis, s: number, t: number, index: Int32Array, weight: Float64Array, k: number): void {
  const fs = Math.min(Math.max((s - slow.start) / slow.step, 0), slow.n - 1);
  const ft = Math.min(Math.max((t - fast.start) / fast.step, 0), fast.n - 1);
  const i = Math.min(Math.floor(fs), slow.n - 2);
  const j = Math.min(Math.floor(ft), fast.n - 2);
  const ts = fs - i;
  const tt = ft - j;
  const base = i * fast.n + j;
  index[k] = base;
  index[k + 1] = base + 1;
  index[k + 2] = base + fast.n;
  index[k + 3] = base + fast.n + 1;
  weight[k] = (1 - ts) * (1 - tt);
  weight[k + 1] = (1 - ts) * tt;
  weight[k + 2] = ts * (1 - tt);
  weight[k + 3] = ts * tt;
}

/** Sparse interpolation weights: 4 (flat node index, weight) pairs per point, point p at 4p..4p+3. */
export interface InterpWeights {
  index: Int32Array;
  weight: Float64Array;
}

/**
 * Applies sparse weights to node values: out[p] = sum of the 4 weight * value pairs of point p.
 * `values` must hold every node the weights index; `out` defaults to a new array, one per point.
 */
export function applyWeights(w: InterpWeights, values: ArrayLike<number>, out: Float64Array = new Float64Array(w.index.length / 4)): Float64Array {
  for (let p = 0; p < out.length; p++) {
    const k = 4 * p;
    out[p] =
      w.weight[k] * values[w.index[k]] +
      w.weight[k + 1] * values[w.index[k + 1]] +
      w.weight[k + 2] * values[w.index[k + 2]] +
      w.weight[k + 3] * values[w.index[k + 3]];
  }
  return out;
}
