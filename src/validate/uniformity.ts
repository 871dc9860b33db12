/**
 * Tests of "these numbers are uniform" used by the calibration checks: the binomial band of a
 * histogram bin, Pearson's chi^2 test of equal bin counts, and the one-sample Kolmogorov-Smirnov
 * test against Uniform(0, 1) with its simultaneous band. Pure functions of their arguments.
 *
 * Sources: the binomial CDF as a regularised incomplete beta function, P(X <= k) = I_{1-p}(n - k,
 * k + 1) (A&S 26.5.24); the chi^2 survival function Q(dof/2, chi^2/2) (A&S 26.4.19); the
 * Kolmogorov distribution's series Q_KS(lambda) = 2 sum_j (-1)^(j-1) exp(-2 j^2 lambda^2) with
 * Stephens' (1970) finite-n argument lambda = (sqrt(n) + 0.12 + 0.11/sqrt(n)) D, accurate to a
 * few per cent in p for n >= 5 (the p-values here are compared with 0.01, not quoted to 3 digits).
 */
import { InputError } from '../../core/errors.ts';
import { gammaincQ } from '../math/special.ts';
import { betaCdf } from '../../samplers/diagnostics/beta.ts';

/** P(X <= k) for X ~ Binomial(n, p); n integer >= 0, p in [0, 1]; 0 below k = 0, 1 from k = n on. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const j = Math.floor(k);
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return betaCdf(1 - p, n - j, j + 1);
}

/** The smallest k in 0..n with P(X <= k) >= q, X ~ Binomial(n, p); q in (0, 1). */
export function binomialQuantile(q: number, n: number, p: number): number {
  // Bisection on the monotone CDF: ~log2(n) beta evaluations.
  let lo = -1;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (binomialCdf(mid, n, p) >= q) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The central `level` band of one bin's count, X ~ Binomial(n, p): [lo, hi] with P(X < lo) <=
 * (1 - level)/2 and P(X > hi) <= (1 - level)/2 (the band Talts et al. 2018 draw on a rank
 * histogram, at level 0.99). Counts are integers, so the band holds at least `level`.
 */
export function binomialBand(n: number, p: number, level: number): [number, number] {
  const a = (1 - level) / 2;
  return [binomialQuantile(a, n, p), binomialQuantile(1 - a, n, p)];
}

/** Pearson's chi^2 test that `counts` (>= 2 bins) come from equal bin probabilities. */
export function chi2Uniform(counts: ArrayLike<number>): { chi2: number; dof: number; p: number } {
  const b = counts.length;
  if (b < 2) throw new InputError('counts', `has ${b} bin(s); the chi^2 test needs at least 2`);
  let n = 0;
  for (let i = 0; i < b; i++) n += counts[i];
  if (!(n > 0)) throw new InputError('counts', 'are all 0; the chi^2 test needs at least one count');
  const e = n / b;
  let chi2 = 0;
  for (let i = 0; i < b; i++) chi2 += (counts[i] - e) ** 2 / e;
  const dof = b - 1;
  return { chi2, dof, p: gammaincQ(dof / 2, chi2 / 2) };
}

/** The Kolmogorov distribution's survival function Q_KS(lambda) = P(sqrt(n) D > lambda) as n -> inf. */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  // The alternating series converges fast for lambda >~ 0.3; below that Q is 1 to double precision
  // (Q(0.3) = 1 - 1e-9 from the dual theta series), and the series would need ~1/lambda^2 terms.
  if (lambda < 0.3) return 1;
  let s = 0;
  for (let j = 1; j <= 100; j++) {
    const t = Math.exp(-2 * j * j * lambda * lambda);
    s += j % 2 === 1 ? t : -t;
    if (t < 1e-17 * Math.abs(s)) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

const stephens = (n: number): number => Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n);

/**
 * One-sample KS test of u (values in [0, 1]) against Uniform(0, 1): the largest distance D between
 * the empirical CDF and the diagonal, and its p-value. Needs at least one value.
 */
export function ksUniform(u: ArrayLike<number>): { d: number; p: number } {
  const n = u.length;
  if (n === 0) throw new InputError('values', 'is empty; the KS test needs at least one value');
  const s = Float64Array.from(u).sort();
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, (i + 1) / n - s[i], s[i] - i / n);
  return { d, p: kolmogorovQ(stephens(n) * d) };
}

/**
 * Half-width of the simultaneous `level` band of an empirical CDF of n uniform values around the
 * diagonal: the D with KS p-value 1 - level, so that a calibrated curve stays inside the band
 * everywhere with probability `level` (about 1.63/sqrt(n) at 0.99).
 */
export function ksBandHalfWidth(n: number, level: number): number {
  // Q_KS is decreasing: bisect for Q_KS(lambda) = 1 - level.
  let lo = 0.3;
  let hi = 5;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (kolmogorovQ(mid) > 1 - level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2 / stephens(n);
}
