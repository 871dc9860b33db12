/**
 * Potential scale reduction factor R-hat: the classic split version (Gelman et al. BDA3) and
 * the rank-normalised split R-hat of Vehtari et al. (2021, Bayesian Analysis 16, 667).
 */
import { validateChains, type ParameterChains } from './chain.ts';
import { rankNormalizeWithFolded, splitChains } from './rank.ts';

/** Between/within-chain variance components of M chains of N draws (no splitting). */
export interface VarianceComponents {
  /** Draws per chain. */
  n: number;
  /** Number of chains. */
  m: number;
  /** Mean within-chain variance W = (1/M) sum_m s_m^2, s_m^2 with denominator N - 1. */
  W: number;
  /** B/N: variance of the chain means (denominator M - 1; 0 when M = 1). */
  BoverN: number;
  /** var^+ = (N-1)/N W + B/N, the pooled posterior-variance estimate. */
  varPlus: number;
  /** Chain means. */
  means: Float64Array;
}

/** Computes W, B/N and var^+ (paper eqs. 1-3) for already prepared (split/transformed) chains. */
export function varianceComponents(chains: Float64Array[]): VarianceComponents {
  const m = chains.length;
  const n = chains[0].length;
  const means = new Float64Array(m);
  let W = 0;
  for (let j = 0; j < m; j++) {
    const c = chains[j];
    let mu = 0;
    for (let i = 0; i < n; i++) mu += c[i];
    mu /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) { const d = c[i] - mu; ss += d * d; }
    means[j] = mu;
    W += ss / (n - 1);
  }
  W /= m;
  let grand = 0;
  for (let j = 0; j < m; j++) grand += means[j];
  grand /= m;
  let BoverN = 0;
  if (m > 1) {
    for (let j = 0; j < m; j++) { const d = means[j] - grand; BoverN += d * d; }
    BoverN /= m - 1;
  }
  return { n, m, W, BoverN, varPlus: ((n - 1) / n) * W + BoverN, means };
}

/** sqrt(var^+ / W) of prepared chains; NaN if all draws are equal, +Infinity if W = 0 < B. */
export function rhatOfPrepared(chains: Float64Array[]): number {
  const { W, varPlus } = varianceComponents(chains);
  if (W === 0) return varPlus === 0 ? NaN : Infinity;
  return Math.sqrt(varPlus / W);
}

/**
 * Classic split R-hat (BDA3): split every chain in half, then sqrt(var^+/W) on the raw draws.
 * Sensitive to location differences only when variances are finite; blind to chains that differ
 * only in scale. Exposed mainly for comparison and testing.
 *
 * @param chains `chains[chain][draw]` for one parameter: >= 1 chain, equal lengths >= 4, finite.
 * @returns R-hat >= ~1 (dimensionless); NaN if all draws are identical; +Infinity if every split
 *   chain is constant but they differ.
 * @throws InputError for empty/ragged/short chains or non-finite draws (names `chains[c][i]`).
 */
export function classicSplitRhat(chains: ParameterChains): number {
  return rhatOfPrepared(splitChains(validateChains(chains)));
}

/** Bulk and tail components of the rank-normalised split R-hat. */
export interface RhatDetail {
  /** max(bulk, tail): the paper's recommended R-hat. */
  rhat: number;
  /** Rank-normalised split R-hat (location). */
  bulk: number;
  /** Rank-normalised split R-hat of the folded draws |theta - median| (scale/tails). */
  tail: number;
}

/**
 * Rank-normalised split R-hat with its bulk and tail (folded) components (Vehtari et al. 2021,
 * sec. 4.1-4.2). See {@link splitRhat}.
 */
export function splitRhatDetailed(chains: ParameterChains): RhatDetail {
  const { z: _z, ...detail } = rhatOfSplit(splitChains(validateChains(chains)));
  return detail;
}

/**
 * {@link splitRhatDetailed} of already split, validated chains, with the rank-normalised draws
 * z it was computed from (the bulk ESS is built on the same z).
 */
export function rhatOfSplit(split: Float64Array[]): RhatDetail & { z: Float64Array[] } {
  const { z, zFolded } = rankNormalizeWithFolded(split);
  const bulk = rhatOfPrepared(z);
  const tail = rhatOfPrepared(zFolded);
  const rhat = Number.isNaN(bulk) || Number.isNaN(tail) ? NaN : Math.max(bulk, tail);
  return { rhat, bulk, tail, z };
}

/**
 * Rank-normalised split R-hat (Vehtari et al. 2021): max of the bulk R-hat (split chains,
 * pooled ranks -> z = Phi^{-1}((r - 3/8)/(S + 1/4)), then classic R-hat on z) and the tail
 * R-hat (same on the folded draws |theta - median|). Works for heavy-tailed targets (ranks are
 * invariant to monotone transforms) and detects chains that differ in scale. The paper
 * recommends using samples only when R-hat < 1.01.
 *
 * @param chains `chains[chain][draw]` for ONE parameter; >= 1 chain (a single chain still gets
 *   split into two), equal lengths >= 4, finite. A chain may be one walker of an ensemble.
 * @returns R-hat (dimensionless, ~1 at convergence); NaN if all draws are identical.
 * @throws InputError for empty/ragged/short chains or non-finite draws (names `chains[c][i]`).
 */
export function splitRhat(chains: ParameterChains): number {
  return splitRhatDetailed(chains).rhat;
}
