/**
 * Effective sample size (Vehtari et al. 2021, Bayesian Analysis 16, 667, sec. 3.2 and 4.3), with
 * the conventions of ArviZ (0.23; test/fixtures/diagnostics/arviz.json) and Stan, which differ
 * from a literal reading of the paper in ways that matter for short or antithetic chains:
 *
 * For M chains of N draws (after splitting and any transform):
 *   acov_t,m  = (1/N) sum_i (x_i - mean)(x_{i+t} - mean), the biased lag-t autocovariance of
 *               chain m (FFT, zero-padded); W uses the unbiased s_m^2 = N/(N-1) acov_0,m;
 *   rho_t     = 1 - (W - (1/M) sum_m acov_t,m) / var^+   (paper eq. 10 with s_m^2 rho_t,m read
 *               as the biased acov_t,m, as Stan and ArviZ do; the literal reading, with the lag
 *               sum divided by N - 1, gives ESS up to 13 % higher on short antithetic chains);
 *   P_k       = rho_{2k} + rho_{2k+1} (Geyer's pairs), k = 0, 1, ..., K-1, K the first pair
 *               with P_K <= 0; each P_k replaced by min(P_k, P_{k-1}) (initial monotone
 *               sequence);
 *   tau       = -1 + 2 sum_{k<K} P_k + max(rho_{2K}, 0): the even half of the first pair left
 *               out is kept when positive (Stan, ArviZ; the paper stops at P_K);
 *               pairs k >= 1 are only formed while 2k - 1 < N - 3 (ArviZ's lag bound); when the
 *               bound ends the sequence first, the last pair formed counts by its even half
 *               alone. On one antithetic chain of 101 draws (split: 2 x 50) whose split halves
 *               differ in mean, every pair stays positive and the bound decides: with the two
 *               conventions above it explains all of ArviZ's 13 % lower ESS;
 *   ESS       = N M / max(tau, 1/log10(N M)) (the paper's cap against huge antithetic estimates).
 *
 * One deliberate difference: all draws equal gives NaN here (ArviZ: N M, "perfect mixing"),
 * since a constant chain (a stuck walker, an indicator that never flips) carries no information
 * about its autocorrelation.
 */
import { InputError } from '../../core/errors.ts';
import { validateChains, type ParameterChains } from './chain.ts';
import { LagProductAccumulator } from './fft.ts';
import { indicatorChains, pooledSorted, quantile, rankNormalize, splitChains } from './rank.ts';
import { varianceComponents } from './rhat.ts';

/** Which ESS: 'bulk' (rank-normalised), 'tail' (min over 5%/95% quantile indicators),
 * 'basic' / 'mean' (raw draws, the ESS for the posterior mean), or the ESS of the indicator
 * I(theta <= q_p) for a quantile p. */
export type EssKind = 'bulk' | 'tail' | 'basic' | 'mean' | { quantile: number };

/**
 * Combined-chain autocorrelation rho_t (paper eq. 10, Stan/ArviZ normalisation: see the module
 * comment) of prepared chains, t = 0..N-1. Returns null when var^+ = 0 (all draws equal).
 */
export function combinedAutocorrelation(chains: Float64Array[]): Float64Array | null {
  const { n, m, W, varPlus, means } = varianceComponents(chains);
  if (!(varPlus > 0)) return null;
  // (1/M) sum_m acov_t,m with acov_t,m = lagsum_m(t) / N: weight 1/(N M) on every lag-product sum.
  const acc = new LagProductAccumulator(n);
  const bx = new Float64Array(n), by = new Float64Array(n);
  const w = 1 / (n * m);
  for (let j = 0; j < m; j += 2) {
    for (let i = 0; i < n; i++) bx[i] = chains[j][i] - means[j];
    if (j + 1 < m) {
      for (let i = 0; i < n; i++) by[i] = chains[j + 1][i] - means[j + 1];
      acc.add(bx, w, by, w);
    } else {
      acc.add(bx, w);
    }
  }
  const rho = acc.result(new Float64Array(n));
  for (let t = 0; t < n; t++) rho[t] = 1 - (W - rho[t]) / varPlus;
  rho[0] = 1; // by definition, as Stan and ArviZ (the biased lag-0 term would give 1 - W/(N var^+))
  return rho;
}

/**
 * tau = -1 + 2 sum P_k (+ the positive even half of the first pair left out) from a combined
 * autocorrelation rho of length n, with Geyer's initial positive and monotone sequences and
 * ArviZ's lag bound (see the module comment).
 */
export function geyerTau(rho: Float64Array): number {
  const n = rho.length;
  let sum = 0;
  let prev = Infinity; // the last pair added, after the monotone adjustment
  for (let k = 0; ; k++) {
    if (k > 0 && !(2 * k - 1 < n - 3)) {
      // Lag bound: of the last pair formed (k-1) only its even half counts, unadjusted (ArviZ).
      return -1 + 2 * (sum - prev) + rho[2 * k - 2];
    }
    const even = rho[2 * k];
    const p = even + rho[2 * k + 1];
    if (!(p > 0)) return -1 + 2 * sum + (even > 0 || p === 0 ? even : 0);
    const q = p > prev ? prev : p;
    sum += q;
    prev = q;
  }
}

/** ESS of prepared (already split/transformed) chains; NaN when all draws are equal. */
export function essOfPrepared(chains: Float64Array[]): number {
  const S = chains[0].length * chains.length;
  const rho = combinedAutocorrelation(chains);
  if (!rho) return NaN;
  let tau = geyerTau(rho);
  const minTau = 1 / Math.log10(S);
  if (!(tau >= minTau)) tau = minTau;
  return S / tau;
}

function checkProb(p: number, where: string): void {
  if (!(p > 0 && p < 1)) throw new InputError(where, `must be a probability in (0, 1), got ${p}`);
}

/**
 * ESS of the indicator I(theta <= q_p), q_p the type-7 quantile of ALL draws (the middle draw of
 * an odd-length chain included, as ArviZ), the indicator then split like the draws.
 * @param chains validated, unsplit chains; @param sorted their pooled draws, ascending.
 */
export function essQuantile(chains: Float64Array[], p: number, sorted = pooledSorted(chains)): number {
  return essOfPrepared(splitChains(indicatorChains(chains, quantile(sorted, p))));
}

/**
 * Effective sample size of ONE parameter from several chains (Vehtari et al. 2021).
 *
 * - 'bulk' (default): ESS of the rank-normalised split chains — efficiency for the bulk
 *   (location) of the distribution; well defined even without finite moments.
 * - 'tail': min(ESS of I(theta <= q_0.05), ESS of I(theta <= q_0.95)), the indicators split.
 * - 'basic' | 'mean': ESS of the raw split chains; the ESS that governs the MCSE of the mean
 *   (meaningless if the mean/variance do not exist).
 * - { quantile: p }: ESS of I(theta <= q_p) (q_p of all draws), split, p in (0, 1).
 *
 * @param chains `chains[chain][draw]` for ONE parameter; >= 1 chain, equal lengths >= 4
 *   (each chain is split in half; odd N drops the middle draw), finite values.
 * @returns ESS in draws, in (0, S log10 S] with S = total (split) draws; NaN when all draws
 *   (or, for indicator kinds, all indicator values) are equal (ArviZ returns S there).
 * @throws InputError for empty/ragged/short chains, non-finite draws (names `chains[c][i]`),
 *   or an unknown kind / quantile outside (0, 1).
 */
export function ess(chains: ParameterChains, kind: EssKind = 'bulk'): number {
  const valid = validateChains(chains);
  const split = splitChains(valid);
  if (typeof kind === 'object' && kind !== null) {
    checkProb(kind.quantile, 'kind.quantile');
    return essQuantile(valid, kind.quantile);
  }
  switch (kind) {
    case 'bulk':
      return essOfPrepared(rankNormalize(split));
    case 'basic':
    case 'mean':
      return essOfPrepared(split);
    case 'tail': {
      const sorted: Float64Array = pooledSorted(valid);
      const lo = essQuantile(valid, 0.05, sorted);
      const hi = essQuantile(valid, 0.95, sorted);
      return Number.isNaN(lo) || Number.isNaN(hi) ? NaN : Math.min(lo, hi);
    }
    default:
      throw new InputError('kind', `must be 'bulk', 'tail', 'basic', 'mean' or {quantile: p}, got ${JSON.stringify(kind)}`);
  }
}
