/**
 * Piecewise-linear interpolation of y(x) at `at`, for x strictly ascending (length >= 1, same
 * length as y), held constant beyond the ends (y[0] below x[0], y[n-1] above x[n-1]). Binary
 * search: O(log n). NaN `at` returns NaN.
 */
export function linearAt(x: ArrayLike<number>, y: ArrayLike<number>, at: number): number {
  const n = x.length;
  if (Number.isNaN(at)) return NaN;
  if (at <= x[0]) return y[0];
  if (at >= x[n - 1]) return y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= at) lo = mid;
    else hi = mid;
  }
  const f = (at - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + f * (y[hi] - y[lo]);
}
