/**
 * Error function and its complement, for any real x.
 *
 * - |x| < 1: the everywhere-positive series erf(x) = 2/sqrt(pi) e^{-x^2} sum_n (2x^2)^n x/(2n+1)!!
 *   (no cancellation; erfc >= 0.157 there, so 1 - erf loses < 1 digit).
 * - |x| >= 1: the Laplace continued fraction of erfc (modified Lentz, <= ~190 terms), so the tail
 *   keeps full *relative* precision (~1e-15) instead of losing it to 1 - erf(x) cancellation.
 *
 * Written from the published formulas; used by the PSF kernel and the MCMC diagnostics.
 */
const SQRT_PI = Math.sqrt(Math.PI);

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

/** Error function erf(x), odd, absolute accuracy ~1e-16 everywhere. NaN -> NaN. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 1) return erfSeries(x);
  return Math.sign(x) * (1 - erfc(Math.abs(x)));
}
