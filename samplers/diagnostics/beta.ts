/**
 * The Beta distribution's CDF (the regularised incomplete beta function I_x(a, b)) and its
 * quantile function, for the quantile MCSE (Vehtari et al. 2021, sec. 4.4, as ArviZ and the
 * posterior R package compute it: a Beta(ESS p + 1, ESS (1 - p) + 1) interval for the level).
 *
 * Written from the textbook definitions: the continued fraction of A&S 26.5.8 evaluated by the
 * modified Lentz method, used on the side of the mean where it converges fast (x < (a+1)/(a+b+2),
 * otherwise through I_x(a, b) = 1 - I_{1-x}(b, a)); the quantile by Newton's method on
 * I_x(a, b) - p with a bisection bracket, so it cannot leave [0, 1] or cycle.
 */
import { lnGamma } from '../../src/math/special.ts';
import { normalQuantile } from './normal.ts';

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;

/** ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b). */
function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** Continued fraction of I_x(a, b) (A&S 26.5.8), without the prefactor x^a (1-x)^b / (a B(a, b)). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Converges in O(sqrt(max(a, b))) terms on this side of the mean; 1e5 covers a, b up to ~1e9.
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Beta(a, b) CDF at x, I_x(a, b).
 * @param x in [0, 1] (clamped outside); @param a, b shape parameters > 0.
 * @returns probability in [0, 1]; relative accuracy ~1e-14 for moderate a, b, degrading like
 *   1e-16 ln Gamma(a + b) for very large ones (1e-9 at a + b ~ 1e6). NaN for a <= 0, b <= 0 or NaN.
 */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * Beta(a, b) quantile: the x in [0, 1] with I_x(a, b) = p.
 * @param p probability in [0, 1]; 0 and 1 give 0 and 1.
 * @param a, b shape parameters > 0.
 * @returns x, to ~1e-13 relative where the CDF is accurate (see {@link betaCdf}); NaN for
 *   p outside [0, 1] or invalid shapes.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lnB = lnBeta(a, b);
  // Start from the moment-matched normal; Newton then converges in a few steps.
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  let lo = 0, hi = 1;
  let x = Math.min(1 - 1e-12, Math.max(1e-12, mean + sd * normalQuantile(p)));
  for (let it = 0; it < 200; it++) {
    const f = betaCdf(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x; else hi = x;
    const pdf = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x - f / pdf;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi); // outside the bracket (or pdf 0): bisect
    if (Math.abs(next - x) <= 4 * EPS * Math.max(x, 1e-300) || hi - lo <= 4 * EPS * hi) return next;
    x = next;
  }
  return x;
}
