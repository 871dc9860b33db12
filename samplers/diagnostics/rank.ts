/**
 * Chain transformations of Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021), "Rank-
 * normalization, folding, and localization: an improved R-hat for assessing convergence of
 * MCMC", Bayesian Analysis 16, 667: splitting, rank normalisation, folding, and quantiles.
 * All take and return `Float64Array[]` (chains[chain][draw]) and never modify their input.
 */
import { normalQuantile } from './normal.ts';

/**
 * Splits each chain into its first and second half (2M chains of floor(N/2) draws). For odd N
 * the middle draw is dropped, so both halves have equal length.
 */
export function splitChains(chains: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    out.push(c.slice(0, h), c.slice(c.length - h));
  }
  return out;
}

/** Pooled average ranks (1-based; ties get the mean of their ranks), same layout as input. */
export function pooledRanks(chains: Float64Array[]): Float64Array[] {
  const n = chains[0]?.length ?? 0;
  const S = chains.length * n;
  const all = new Float64Array(S);
  chains.forEach((c, j) => all.set(c, j * n));
  const sorted = all.slice().sort();
  // Average rank of v among ties: (#{< v} + 1 + #{<= v}) / 2, by binary search in the sorted copy.
  const rank = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    const v = all[i];
    let lo = 0, hi = S;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
    const below = lo;
    if (below + 1 < S && sorted[below + 1] !== v) { rank[i] = below + 1; continue; }
    hi = S;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
    rank[i] = (below + 1 + lo) / 2;
  }
  return chains.map((_, j) => rank.slice(j * n, (j + 1) * n));
}

/**
 * Rank normalisation (paper eq. 14): z = Phi^{-1}((r - 3/8) / (S + 1/4)), r the pooled average
 * rank of each draw among all S draws of all chains (Blom's fractional offset).
 */
export function rankNormalize(chains: Float64Array[]): Float64Array[] {
  const S = chains.length * (chains[0]?.length ?? 0);
  const inv = 1 / (S + 0.25);
  return pooledRanks(chains).map((r) => r.map((ri) => normalQuantile((ri - 0.375) * inv)));
}

/** Folding (paper sec. 4.2): zeta = |theta - median(theta)|, median over all draws of all chains. */
export function foldChains(chains: Float64Array[]): Float64Array[] {
  const med = quantile(pooledSorted(chains), 0.5);
  return chains.map((c) => c.map((v) => Math.abs(v - med)));
}

/** All draws of all chains, sorted ascending. */
export function pooledSorted(chains: Float64Array[]): Float64Array {
  const n = chains[0]?.length ?? 0;
  const all = new Float64Array(chains.length * n);
  chains.forEach((c, j) => all.set(c, j * n));
  return all.sort();
}

/**
 * Sample quantile of an ascending-sorted array by linear interpolation between order
 * statistics (Hyndman & Fan type 7, numpy's default): h = (n-1) p, q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * @param p in [0, 1] (clamped).
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Indicator chains I(theta <= q) as 0/1 Float64Arrays. */
export function indicatorChains(chains: Float64Array[], q: number): Float64Array[] {
  return chains.map((c) => c.map((v) => (v <= q ? 1 : 0)));
}
