/**
 * Standard-normal special functions: erfc, the CDF and its inverse (quantile function).
 *
 * - `erfc` is the project's one implementation (src/math/erf.ts), accurate in relative terms in
 *   the tails.
 * - `normalQuantile` is P. J. Acklam's rational approximation (relative error < 1.15e-9)
 *   followed by one Halley step on Phi(x) - p, which brings it to ~1e-15 relative accuracy.
 *
 * Written from the published formulas; no dependencies.
 */
import { erfc } from '../../src/math/erf.ts';

export { erfc };

const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard-normal CDF Phi(x) = erfc(-x/sqrt 2)/2, accurate in relative terms in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

// Acklam's coefficients.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * Standard-normal quantile Phi^{-1}(p).
 * @param p probability in [0, 1]; p = 0 -> -Infinity, p = 1 -> +Infinity; outside [0,1] or NaN -> NaN.
 * @returns x with Phi(x) = p, relative accuracy ~1e-15 (Acklam + one Halley refinement).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  // One Halley step on f(x) = Phi(x) - p. In the upper tail work with the upper-tail
  // probability 1 - p to keep relative precision (1 - p is exact enough only when p was given
  // close to 1; the refinement cannot recover digits that p itself lacks).
  let e: number;
  if (x > 0) e = (1 - p) - 0.5 * erfc(x / SQRT2); // = Q_target - Q(x) = Phi(x) - p
  else e = 0.5 * erfc(-x / SQRT2) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  x = x - u / (1 + (x * u) / 2);
  return x;
}
