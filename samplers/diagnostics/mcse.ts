/**
 * Monte-Carlo standard errors (Vehtari et al. 2021, sec. 4.4-4.5), in the units of the parameter.
 */
import { InputError } from '../../core/errors.ts';
import { validateChains, type ParameterChains } from './chain.ts';
import { essOfPrepared, essQuantileOfSplit } from './ess.ts';
import { pooledSorted, quantile, splitChains } from './rank.ts';

/** 'mean', 'sd', or the p-quantile ({quantile: p}, p in (0, 1)). */
export type McseKind = 'mean' | 'sd' | { quantile: number };

function pooledMoments(chains: Float64Array[]): { mean: number; sd: number; S: number } {
  let S = 0, sum = 0;
  for (const c of chains) { for (let i = 0; i < c.length; i++) sum += c[i]; S += c.length; }
  const mean = sum / S;
  let ss = 0;
  for (const c of chains) for (let i = 0; i < c.length; i++) { const d = c[i] - mean; ss += d * d; }
  return { mean, sd: Math.sqrt(ss / (S - 1)), S };
}

/**
 * Monte-Carlo standard error of a posterior summary of ONE parameter.
 *
 * - 'mean': sd / sqrt(ESS_basic), sd the pooled sample sd of all draws and ESS_basic the ESS
 *   of the raw split chains (assumes a finite variance).
 * - 'sd': delta method. With y = (theta - mean)^2, sd^2 is the mean of y, so
 *   MCSE(sd^2) = sd(y)/sqrt(ESS_basic(y)) and MCSE(sd) = MCSE(sd^2) / (2 sd)
 *   (assumes a finite fourth moment; equals sd/sqrt(2 ESS) for a normal target).
 * - {quantile: p}: with ESS_p the ESS of the indicator I(theta <= q_p) on split chains, the
 *   uncertainty of the probability level is sigma_p = sqrt(p (1-p) / ESS_p); the MCSE is half the
 *   width of [q_{p - sigma_p}, q_{p + sigma_p}] (sample quantiles, type 7, levels clamped to
 *   [0, 1]). This is the large-ESS (normal) approximation of the paper's interval, which uses
 *   the 15.9% and 84.1% quantiles of Beta(ESS_p p + 1, ESS_p (1-p) + 1) for the level.
 *
 * @param chains `chains[chain][draw]`, >= 1 chain, equal lengths >= 4, finite values.
 * @returns MCSE (parameter units, >= 0); NaN if all draws are equal (ESS undefined).
 * @throws InputError on malformed input or an unknown kind / quantile outside (0, 1).
 */
export function mcse(chains: ParameterChains, kind: McseKind = 'mean'): number {
  const valid = validateChains(chains);
  const split = splitChains(valid);
  if (typeof kind === 'object' && kind !== null) {
    const p = kind.quantile;
    if (!(p > 0 && p < 1)) throw new InputError('kind.quantile', `must be a probability in (0, 1), got ${p}`);
    const sorted = pooledSorted(split);
    const e = essQuantileOfSplit(split, p, sorted);
    if (Number.isNaN(e)) return NaN;
    const sp = Math.sqrt((p * (1 - p)) / e);
    return (quantile(sorted, p + sp) - quantile(sorted, p - sp)) / 2;
  }
  if (kind === 'mean') {
    const { sd } = pooledMoments(valid);
    const e = essOfPrepared(split);
    return sd / Math.sqrt(e);
  }
  if (kind === 'sd') {
    const { mean, sd } = pooledMoments(split);
    if (sd === 0) return NaN;
    const y = split.map((c) => c.map((v) => (v - mean) * (v - mean)));
    const { sd: sdy } = pooledMoments(y);
    const e = essOfPrepared(y);
    return sdy / Math.sqrt(e) / (2 * sd);
  }
  throw new InputError('kind', `must be 'mean', 'sd' or {quantile: p}, got ${JSON.stringify(kind)}`);
}
