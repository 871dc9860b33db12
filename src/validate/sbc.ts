/**
 * Simulation-based calibration (Talts et al. 2018, arXiv:1804.06788): for each simulated data set,
 * the rank of the true parameter among L posterior draws. When the truth is a prior draw, the data
 * are simulated from it and the L draws are independent draws of the exact posterior, the truth
 * and the draws are exchangeable, so the rank is uniform on 0..L (their Theorem 1); a histogram of
 * ranks over many simulations that is not flat diagnoses the posterior: a U shape = too narrow, a
 * hump = too wide, a slope = biased. Correlated draws (an MCMC chain not thinned to its effective
 * sample size) also make a U, which is why the draws are thinned first (src/validate/draws.ts).
 *
 * Ties (a chain repeats a value when a proposal is rejected; a truth equal to a draw has
 * probability 0 in the continuum) are broken uniformly at random, which keeps the rank exactly
 * uniform under the null. The randomised PIT (rank + U)/(L + 1), U ~ Uniform(0, 1), is then
 * exactly Uniform(0, 1) under the null, so the KS test applies without a discreteness correction.
 */
import { InputError } from '../../core/errors.ts';
import type { Rng } from '../../samplers/rng.ts';
import { binomialBand, chi2Uniform, ksUniform } from './uniformity.ts';

/** A rank in 0..L and its randomised PIT in (0, 1). */
export interface Rank {
  rank: number;
  pit: number;
}

/**
 * Rank of `truth` among `draws` (L = draws.length >= 1): the number of draws below it, ties with
 * it broken uniformly by `rng` (one or two uniform draws, always the same number for a given tie
 * count, so the stream stays reproducible). NaN truth or draws are refused.
 */
export function rankAmong(truth: number, draws: ArrayLike<number>, rng: Rng): Rank {
  const L = draws.length;
  if (L < 1) throw new InputError('draws', 'is empty; a rank needs at least one posterior draw');
  if (Number.isNaN(truth)) throw new InputError('truth', 'is NaN; give a finite true value');
  let below = 0;
  let ties = 0;
  for (let j = 0; j < L; j++) {
    const v = draws[j];
    if (Number.isNaN(v)) throw new InputError(`draws[${j}]`, 'is NaN; the posterior draws must be numbers');
    if (v < truth) below++;
    else if (v === truth) ties++;
  }
  const rank = ties > 0 ? below + rng.int(ties + 1) : below;
  return { rank, pit: (rank + rng.uniform()) / (L + 1) };
}

/** A rank histogram and its tests of uniformity. */
export interface RankHistogram {
  /** L: draws per simulation (ranks run over 0..L). */
  draws: number;
  /** Number of simulations. */
  n: number;
  /** counts[b]: ranks in [b (L+1)/B, (b+1) (L+1)/B), B = counts.length. */
  counts: number[];
  /** n / B: the expected count of every bin under uniformity. */
  expected: number;
  /** The per-bin binomial 99% band [lo, hi] of a count (Binomial(n, 1/B)). */
  band99: [number, number];
  /** Bins whose count lies outside band99 (about 1% of bins when calibrated). */
  outside99: number;
  chi2: number;
  dof: number;
  /** chi^2 p-value of equal bin counts. */
  p_chi2: number;
  /** KS distance of the randomised PITs from Uniform(0, 1) and its p-value. */
  ks_d: number;
  p_ks: number;
}

/**
 * Histogram of ranks (integers in 0..L) into `bins` bins of equal width; (L + 1) must be a
 * multiple of `bins` so that every bin holds the same number of rank values (otherwise a
 * calibrated histogram is not flat). `pits` (same length) feed the KS test.
 */
export function rankHistogram(ranks: ArrayLike<number>, pits: ArrayLike<number>, L: number, bins: number): RankHistogram {
  const n = ranks.length;
  if (n === 0) throw new InputError('ranks', 'is empty; give at least one simulation');
  if (pits.length !== n) throw new InputError('pits', `has ${pits.length} values for ${n} ranks`);
  if (!(Number.isInteger(L) && L >= 1)) throw new InputError('draws', `is ${L}; give an integer >= 1`);
  if (!(Number.isInteger(bins) && bins >= 2 && (L + 1) % bins === 0)) throw new InputError('rank_bins', `is ${bins}; give an integer >= 2 that divides L + 1 = ${L + 1}`);
  const per = (L + 1) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const r = ranks[i];
    if (!(Number.isInteger(r) && r >= 0 && r <= L)) throw new InputError(`ranks[${i}]`, `is ${r}; a rank is an integer in 0..${L}`);
    counts[Math.floor(r / per)]++;
  }
  const band99 = binomialBand(n, 1 / bins, 0.99);
  const c = chi2Uniform(counts);
  const ks = ksUniform(pits);
  return {
    draws: L,
    n,
    counts,
    expected: n / bins,
    band99,
    outside99: counts.filter((v) => v < band99[0] || v > band99[1]).length,
    chi2: c.chi2,
    dof: c.dof,
    p_chi2: c.p,
    ks_d: ks.d,
    p_ks: ks.p,
  };
}

/**
 * The rank-histogram bin count for L draws and n simulations: the largest divisor of L + 1 that is
 * at most 20 and leaves at least 5 expected counts per bin (the chi^2 approximation's rule of
 * thumb), and at least 2.
 */
export function defaultRankBins(L: number, n: number): number {
  let best = 0;
  for (let b = 2; b <= Math.min(20, L + 1); b++) if ((L + 1) % b === 0 && n / b >= 5) best = b;
  if (best) return best;
  for (let b = 2; b <= L + 1; b++) if ((L + 1) % b === 0) return b;
  return 2;
}
