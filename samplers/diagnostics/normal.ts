/**
 * Standard-normal special functions: erfc, the CDF and its inverse (quantile function).
 *
 * - `erfc` is the project's one implementation (src/math/erf.ts), accurate in relative terms in
 *   the tails.
 * - `normalQuantile` is Wichura's AS 241 (relative error ~1e-16, no iteration).
 *
 * Written from the published formulas; no dependencies.
 */
import { erfc } from '../../src/math/erf.ts';

export { erfc };

const SQRT2 = Math.SQRT2;

/** Standard-normal CDF Phi(x) = erfc(-x/sqrt 2)/2, accurate in relative terms in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

// Wichura's AS 241 (PPND16) coefficients: central region |p - 1/2| <= 0.425 (A/B, in
// r = 0.180625 - q^2), intermediate tail r = sqrt(-ln min(p, 1-p)) <= 5 (C/D, in r - 1.6), far
// tail (E/F, in r - 5).
const A = [3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3];
const B = [1, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3, 2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3];
const C = [1.42343711074968357734e0, 4.6303378461565452959e0, 5.7694972214606914055e0, 3.64784832476320460504e0, 1.27045825245236838258e0, 2.4178072517745061177e-1, 2.27238449892691845833e-2, 7.7454501427834140764e-4];
const D = [1, 2.05319162663775882187e0, 1.6763848301838038494e0, 6.8976733498510000455e-1, 1.4810397642748007459e-1, 1.51986665636164571966e-2, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const E = [6.6579046435011037772e0, 5.4637849111641143699e0, 1.7848265399172913358e0, 2.9656057182850489123e-1, 2.6532189526576123093e-2, 1.2426609473880784386e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const F = [1, 5.9983220655588793769e-1, 1.3692988092273580531e-1, 1.48753612908506148525e-2, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

/** Ratio of two degree-7 polynomials in r (coefficients lowest first), by Horner. */
function ratio7(n: readonly number[], d: readonly number[], r: number): number {
  const num = ((((((n[7] * r + n[6]) * r + n[5]) * r + n[4]) * r + n[3]) * r + n[2]) * r + n[1]) * r + n[0];
  const den = ((((((d[7] * r + d[6]) * r + d[5]) * r + d[4]) * r + d[3]) * r + d[2]) * r + d[1]) * r + d[0];
  return num / den;
}

/**
 * Standard-normal quantile Phi^{-1}(p), by M. J. Wichura's algorithm AS 241 (PPND16, Applied
 * Statistics 37, 477, 1988): rational approximations with relative error ~1e-16 over the whole
 * range, no iteration (so it costs a few tens of ns, which matters: rank normalisation takes one
 * per draw).
 * @param p probability in [0, 1]; p = 0 -> -Infinity, p = 1 -> +Infinity; outside [0,1] or NaN -> NaN.
 *   In the upper tail the answer cannot be better than 1 - p is (p near 1 carries few digits of 1 - p).
 * @returns x with Phi(x) = p.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) return q * ratio7(A, B, 0.180625 - q * q);
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const x = r <= 5 ? ratio7(C, D, r - 1.6) : ratio7(E, F, r - 5);
  return q < 0 ? -x : x;
}
