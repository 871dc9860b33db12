/**
 * Standard-normal special functions: erfc, the CDF and its inverse (quantile function).
 *
 * - `erfc` uses the everywhere-positive series erf(x) = 2/sqrt(pi) e^{-x^2} sum_n (2x^2)^n x/(2n+1)!!
 *   for |x| < 1 (where erfc >= 0.157, so 1 - erf loses < 1 digit) and the Laplace continued
 *   fraction (modified Lentz, <= ~190 terms) for x >= 1, so the tail
 *   keeps full *relative* precision (~1e-15) instead of losing it to 1 - erf(x) cancellation.
 * - `normalQuantile` is P. J. Acklam's rational approximation (relative error < 1.15e-9)
 *   followed by one Halley step on Phi(x) - p, which brings it to ~1e-15 relative accuracy.
 *
 * Written from the published formulas; no dependencies.
 */
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** erf(x) for |x| < ~3 by the positive-term series (accurate to a few ulp there). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-x2)) * sum;
}

/** erfc(x) for x >= 1 via the continued fraction erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
function erfcContinuedFraction(x: number): number {
  // f = x + a1/(x + a2/(x + ...)), a_k = k/2. Modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let C = f;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    if (D === 0) D = tiny;
    D = 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/**
 * Complementary error function erfc(x) = 1 - erf(x), for any real x.
 * Relative accuracy ~1e-15 for x up to ~26 (beyond which it underflows to 0). NaN -> NaN.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 1) return x > 27.3 ? 0 : erfcContinuedFraction(x);
  if (x <= -1) return 2 - (x < -27.3 ? 0 : erfcContinuedFraction(-x));
  return 1 - erfSeries(x);
}

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
