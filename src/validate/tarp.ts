/**
 * TARP: Tests of Accuracy with Random Points (Lemos, Coogan, Hezaveh & Perreault-Levasseur 2023,
 * arXiv:2302.03026). For each simulation with truth theta*, posterior draws theta_j and a random
 * reference point theta_r, f = the fraction of draws closer to theta_r than theta* is: the
 * posterior mass of the ball around theta_r through theta*, a credibility level. With an exact
 * posterior f is uniform, so the expected coverage probability ECP(alpha) = P(f < alpha) equals
 * alpha: the TARP curve lies on the diagonal. Lemos et al. prove that with reference points drawn
 * at random (here uniform over the prior box in the normalised space) this holds for all alpha iff
 * the posterior is the true one; over-confident, under-confident and biased posteriors leave the
 * diagonal. It tests the joint posterior, where per-parameter ranks test marginals.
 *
 * Normalisation: each parameter is mapped to [0, 1] by the prior box (lo, hi) before Euclidean
 * distances, so no parameter dominates by its units. f is computed, as a rank, by
 * src/validate/sbc.ts rankAmong: f = (rank + U)/(L + 1) is exactly uniform under the null.
 */
import { InputError } from '../../core/errors.ts';
import type { Rng } from '../../samplers/rng.ts';
import { rankAmong, type Rank } from './sbc.ts';
import { ksBandHalfWidth, ksUniform } from './uniformity.ts';

/** A reference point uniform over [0, 1]^d (d draws from rng). */
export function referencePoint(rng: Rng, d: number): Float64Array {
  const r = new Float64Array(d);
  for (let k = 0; k < d; k++) r[k] = rng.uniform();
  return r;
}

/**
 * The TARP credibility of one simulation: the rank of |theta* - theta_r| among |theta_j - theta_r|
 * (normalised distances) and its randomised f = PIT.
 * @param truth   theta*, d numbers.
 * @param draws   L draws, row-major (L x d).
 * @param ref     theta_r in the normalised space [0, 1]^d.
 * @param lo, hi  the box that maps each parameter to [0, 1] (hi > lo).
 */
export function tarpCredibility(truth: ArrayLike<number>, draws: ArrayLike<number>, ref: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, rng: Rng): Rank {
  const d = truth.length;
  if (ref.length !== d || lo.length !== d || hi.length !== d) throw new InputError('reference', `has ${ref.length} / ${lo.length} / ${hi.length} coordinates for ${d} parameters`);
  if (d === 0 || draws.length % d !== 0 || draws.length === 0) throw new InputError('draws', `has ${draws.length} numbers; give L x ${d} (L >= 1)`);
  for (let k = 0; k < d; k++) if (!(hi[k] > lo[k])) throw new InputError(`box[${k}]`, `is [${lo[k]}, ${hi[k]}]; give hi > lo`);
  const dist = (a: ArrayLike<number>, off: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += ((a[off + k] - lo[k]) / (hi[k] - lo[k]) - ref[k]) ** 2;
    return Math.sqrt(s);
  };
  const L = draws.length / d;
  const dd = new Float64Array(L);
  for (let j = 0; j < L; j++) dd[j] = dist(draws, j * d);
  return rankAmong(dist(truth, 0), dd, rng);
}

/** The TARP curve of many simulations and its band. */
export interface TarpCurve {
  /** Credibility levels alpha, 0..1. */
  alpha: number[];
  /** ECP(alpha): the fraction of simulations with f < alpha. */
  ecp: number[];
  n: number;
  /** Half-widths of the simultaneous 95% and 99% bands around the diagonal (KS). */
  band95: number;
  band99: number;
  /** KS distance max |ECP - alpha| over all alpha and its p-value. */
  ks_d: number;
  p_ks: number;
}

/** ECP(alpha) on `points` + 1 equally spaced levels in [0, 1] (default 100 intervals). */
export function tarpCurve(f: ArrayLike<number>, points = 100): TarpCurve {
  const n = f.length;
  if (n === 0) throw new InputError('f', 'is empty; give at least one simulation');
  const s = Float64Array.from(f).sort();
  const alpha: number[] = [];
  const ecp: number[] = [];
  let i = 0;
  for (let j = 0; j <= points; j++) {
    const a = j / points;
    while (i < n && s[i] < a) i++;
    alpha.push(a);
    ecp.push(i / n);
  }
  const ks = ksUniform(s);
  return { alpha, ecp, n, band95: ksBandHalfWidth(n, 0.95), band99: ksBandHalfWidth(n, 0.99), ks_d: ks.d, p_ks: ks.p };
}
