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

/** All draws of all chains in one array, chain after chain. */
function pooled(chains: Float64Array[]): Float64Array {
  const n = chains[0]?.length ?? 0;
  const all = new Float64Array(chains.length * n);
  chains.forEach((c, j) => all.set(c, j * n));
  return all;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The permutation that sorts `v` ascending (stable: equal values keep their order), by an LSD
 * radix sort of the IEEE-754 bit patterns in six passes of 11/11/10 bits: O(n), and several times
 * faster than a comparison sort plus a search per element for the ~10^5 draws of a chain.
 * @param v finite numbers (-0 sorts as 0; NaN is not allowed and lands at an arbitrary place).
 */
export function argsort(v: ArrayLike<number>): Uint32Array {
  const n = v.length;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = v[i] + 0; // -0 + 0 = +0: equal values, equal keys
  const u = new Uint32Array(f.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const [L, H] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) {
    let h = u[2 * i + H];
    let l = u[2 * i + L];
    // Order-preserving map to unsigned integers: flip all bits of negatives, the sign of the rest.
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(2048);
  const passes: [Uint32Array, number, number][] = [[lo, 0, 2047], [lo, 11, 2047], [lo, 22, 1023], [hi, 0, 2047], [hi, 11, 2047], [hi, 22, 1023]];
  for (const [w, shift, mask] of passes) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(w[i] >>> shift) & mask]++;
    if (n === 0 || count[(w[0] >>> shift) & mask] === n) continue; // one digit for all: order kept
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const j = idx[k];
      tmp[count[(w[j] >>> shift) & mask]++] = j;
    }
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}

/**
 * Average ranks (1-based; ties get the mean of their ranks) of `v`, given `order`, a
 * permutation that sorts v ascending.
 */
function ranksInOrder(v: Float64Array, order: Uint32Array): Float64Array {
  const S = v.length;
  const rank = new Float64Array(S);
  for (let k = 0; k < S; ) {
    const x = v[order[k]];
    let j = k + 1;
    while (j < S && v[order[j]] === x) j++;
    const r = (k + 1 + j) / 2; // mean of ranks k+1 .. j
    for (let t = k; t < j; t++) rank[order[t]] = r;
    k = j;
  }
  return rank;
}

const unpool = (a: Float64Array, chains: Float64Array[]): Float64Array[] => {
  const n = chains[0]?.length ?? 0;
  return chains.map((_, j) => a.slice(j * n, (j + 1) * n));
};

/** Pooled average ranks (1-based; ties get the mean of their ranks), same layout as input. */
export function pooledRanks(chains: Float64Array[]): Float64Array[] {
  const all = pooled(chains);
  return unpool(ranksInOrder(all, argsort(all)), chains);
}

/**
 * Rank normalisation (paper eq. 14): z = Phi^{-1}((r - 3/8) / (S + 1/4)), r the pooled average
 * rank of each draw among all S draws of all chains (Blom's fractional offset).
 */
export function rankNormalize(chains: Float64Array[]): Float64Array[] {
  const all = pooled(chains);
  return unpool(normalScoresOf(ranksInOrder(all, argsort(all))), chains);
}

/**
 * rankNormalize(chains) and rankNormalize(foldChains(chains)) together, the pair every R-hat
 * needs. The folded draws |theta - median| are ordered by merging the two halves of the one
 * sort outward from the median (|x - m| is monotone on each side, in floating point too), so the
 * second sort costs O(S). Equal, to the last bit, to the two calls.
 */
export function rankNormalizeWithFolded(chains: Float64Array[]): { z: Float64Array[]; zFolded: Float64Array[] } {
  const all = pooled(chains);
  const S = all.length;
  const order = argsort(all);
  // Plain loops: Float64Array.from with a map function is several times slower here.
  const sorted = new Float64Array(S);
  for (let k = 0; k < S; k++) sorted[k] = all[order[k]];
  const med = quantile(sorted, 0.5);
  const folded = new Float64Array(S);
  for (let i = 0; i < S; i++) folded[i] = Math.abs(all[i] - med);
  let right = 0;
  while (right < S && sorted[right] < med) right++;
  let left = right - 1;
  const fOrder = new Uint32Array(S);
  for (let k = 0; k < S; k++) {
    // Left side (below the median) walks down, the right side up; ties take the left first.
    if (right >= S || (left >= 0 && folded[order[left]] <= folded[order[right]])) fOrder[k] = order[left--];
    else fOrder[k] = order[right++];
  }
  return { z: unpool(normalScoresOf(ranksInOrder(all, order)), chains), zFolded: unpool(normalScoresOf(ranksInOrder(folded, fOrder)), chains) };
}

let scores: { S: number; z: Float64Array } = { S: -1, z: new Float64Array(0) };

/**
 * Blom's normal scores of average ranks r (integers and, for ties, half-integers in 1..S), in
 * place: z = Phi^{-1}((r - 3/8) / (S + 1/4)) from a table over r = 1, 1.5, ..., S kept for the
 * last S (every parameter of a chain has the same S, and a summary normalises several times).
 */
function normalScoresOf(rank: Float64Array): Float64Array {
  const S = rank.length;
  if (scores.S !== S) {
    const inv = 1 / (S + 0.25);
    scores = { S, z: Float64Array.from({ length: Math.max(2 * S - 1, 0) }, (_, k) => normalQuantile((1 + k / 2 - 0.375) * inv)) };
  }
  const z = scores.z;
  for (let i = 0; i < S; i++) rank[i] = z[2 * rank[i] - 2];
  return rank;
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
