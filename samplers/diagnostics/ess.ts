/**
 * Effective sample size (Vehtari et al. 2021, Bayesian Analysis 16, 667, sec. 3.2 and 4.3).
 *
 * For M chains of N draws (after splitting and any transform):
 *   rho_t,m   = normalised autocorrelation of chain m at lag t (FFT, zero-padded);
 *   rho_t     = 1 - (W - (1/M) sum_m s_m^2 rho_t,m) / var^+          (paper eq. 10);
 *   P_k       = rho_{2k} + rho_{2k+1}  (Geyer's paired sums), summed for k = 0, 1, ... while
 *               P_k > 0, each replaced by min(P_k, P_{k-1}) (initial monotone sequence);
 *   tau       = -1 + 2 sum_k P_k;   ESS = N M / tau, capped at N M log10(N M)  (the paper's
 *               safeguard against huge estimates for antithetic chains).
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
 * Combined-chain autocorrelation rho_t (paper eq. 10) of prepared chains, t = 0..N-1.
 * Returns null when var^+ = 0 (all draws equal).
 */
export function combinedAutocorrelation(chains: Float64Array[]): Float64Array | null {
  const { n, m, W, varPlus, means } = varianceComponents(chains);
  if (!(varPlus > 0)) return null;
  // (1/M) sum_m s_m^2 rho_t,m with rho_t,m = lagsum_m(t)/lagsum_m(0) and s_m^2 = lagsum_m(0)/(N-1):
  // every chain has the same weight 1/((N-1) M) on its lag-product sums.
  const acc = new LagProductAccumulator(n);
  const bx = new Float64Array(n), by = new Float64Array(n);
  const w = 1 / ((n - 1) * m);
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
  rho[0] = 1; // exact: (1/M) sum s_m^2 rho_0,m = W
  return rho;
}

/** ESS of prepared (already split/transformed) chains; NaN when all draws are equal. */
export function essOfPrepared(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  const S = n * m;
  const rho = combinedAutocorrelation(chains);
  if (!rho) return NaN;
  let sum = 0;
  let prev = Infinity;
  for (let k = 0; 2 * k + 1 < n; k++) {
    let p = rho[2 * k] + rho[2 * k + 1];
    if (!(p > 0)) break;
    if (p > prev) p = prev;
    sum += p;
    prev = p;
  }
  let tau = -1 + 2 * sum;
  const minTau = 1 / Math.log10(S);
  if (!(tau >= minTau)) tau = minTau;
  return S / tau;
}

function checkProb(p: number, where: string): void {
  if (!(p > 0 && p < 1)) throw new InputError(where, `must be a probability in (0, 1), got ${p}`);
}

/** ESS of the indicator I(theta <= q_p) on split chains (q_p: pooled sample quantile, type 7). */
export function essQuantileOfSplit(split: Float64Array[], p: number, sorted = pooledSorted(split)): number {
  return essOfPrepared(indicatorChains(split, quantile(sorted, p)));
}

/**
 * Effective sample size of ONE parameter from several chains (Vehtari et al. 2021).
 *
 * - 'bulk' (default): ESS of the rank-normalised split chains — efficiency for the bulk
 *   (location) of the distribution; well defined even without finite moments.
 * - 'tail': min(ESS of I(theta <= q_0.05), ESS of I(theta <= q_0.95)) on split chains.
 * - 'basic' | 'mean': ESS of the raw split chains; the ESS that governs the MCSE of the mean
 *   (meaningless if the mean/variance do not exist).
 * - { quantile: p }: ESS of I(theta <= q_p) on split chains, p in (0, 1).
 *
 * @param chains `chains[chain][draw]` for ONE parameter; >= 1 chain, equal lengths >= 4
 *   (each chain is split in half; odd N drops the middle draw), finite values.
 * @returns ESS in draws, in (0, S log10 S] with S = total (split) draws; NaN when all draws
 *   (or, for indicator kinds, all indicator values) are equal.
 * @throws InputError for empty/ragged/short chains, non-finite draws (names `chains[c][i]`),
 *   or an unknown kind / quantile outside (0, 1).
 */
export function ess(chains: ParameterChains, kind: EssKind = 'bulk'): number {
  const split = splitChains(validateChains(chains));
  if (typeof kind === 'object' && kind !== null) {
    checkProb(kind.quantile, 'kind.quantile');
    return essQuantileOfSplit(split, kind.quantile);
  }
  switch (kind) {
    case 'bulk':
      return essOfPrepared(rankNormalize(split));
    case 'basic':
    case 'mean':
      return essOfPrepared(split);
    case 'tail': {
      const sorted = pooledSorted(split);
      const lo = essQuantileOfSplit(split, 0.05, sorted);
      const hi = essQuantileOfSplit(split, 0.95, sorted);
      return Number.isNaN(lo) || Number.isNaN(hi) ? NaN : Math.min(lo, hi);
    }
    default:
      throw new InputError('kind', `must be 'bulk', 'tail', 'basic', 'mean' or {quantile: p}, got ${JSON.stringify(kind)}`);
  }
}
