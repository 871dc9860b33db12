/**
 * Monte-Carlo standard errors (Vehtari et al. 2021, sec. 4.4-4.5), in the units of the parameter,
 * computed as ArviZ 0.23 and the posterior R package do (test/fixtures/diagnostics/arviz.json).
 */
import { InputError } from '../../core/errors.ts';
import { betaQuantile } from './beta.ts';
import { validateChains, type ParameterChains } from './chain.ts';
import { essOfPrepared, essQuantile } from './ess.ts';
import { normalCdf } from './normal.ts';
import { pooledSorted, splitChains } from './rank.ts';

/** Phi(-1), Phi(1): the levels of a +-1 sigma interval. */
const LOWER = normalCdf(-1);
const UPPER = normalCdf(1);

/**
 * MCSE of the p-quantile from the sorted pooled draws and the ESS of I(theta <= q_p): the levels
 * [a, b] = the Phi(-1), Phi(1) quantiles of Beta(ESS p + 1, ESS (1-p) + 1) (the paper's interval
 * for the probability level), mapped to order statistics x_(floor(a S)) and x_(ceil(b S)) (1-based,
 * clamped to [1, S]); MCSE = half their distance. ArviZ and posterior do exactly this; it is not a
 * normal approximation, so for small ESS or levels near 0/1 the interval is asymmetric, and the
 * order statistics (no interpolation) make the MCSE jump in steps of the spacing of the draws.
 */
export function mcseQuantileOfSorted(sorted: Float64Array, p: number, essP: number): number {
  if (Number.isNaN(essP)) return NaN;
  const S = sorted.length;
  const a = betaQuantile(LOWER, essP * p + 1, essP * (1 - p) + 1);
  const b = betaQuantile(UPPER, essP * p + 1, essP * (1 - p) + 1);
  const lo = Math.floor(Math.max(a * S - 1, 0));
  const hi = Math.ceil(Math.min(b * S - 1, S - 1));
  return (sorted[hi] - sorted[lo]) / 2;
}

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
 * - 'sd': delta method on all draws. With y = (theta - mean)^2, sd^2 is the mean of y, so
 *   MCSE(sd^2) = sd(y)/sqrt(ESS_basic(y)) and MCSE(sd) = MCSE(sd^2) / (2 sd), both sds with
 *   denominator S (assumes a finite fourth moment; ~sd/sqrt(2 ESS) for a normal target).
 * - {quantile: p}: with ESS_p the ESS of the indicator I(theta <= q_p), the Beta interval of
 *   the level mapped to order statistics of all draws (see {@link mcseQuantileOfSorted}). The
 *   median is {quantile: 0.5}.
 *
 * @param chains `chains[chain][draw]`, >= 1 chain, equal lengths >= 4, finite values.
 * @returns MCSE (parameter units, >= 0); NaN if all draws are equal (ESS undefined).
 * @throws InputError on malformed input or an unknown kind / quantile outside (0, 1).
 */
export function mcse(chains: ParameterChains, kind: McseKind = 'mean'): number {
  const valid = validateChains(chains);
  if (typeof kind === 'object' && kind !== null) {
    const p = kind.quantile;
    if (!(p > 0 && p < 1)) throw new InputError('kind.quantile', `must be a probability in (0, 1), got ${p}`);
    const sorted = pooledSorted(valid);
    return mcseQuantileOfSorted(sorted, p, essQuantile(valid, p, sorted));
  }
  if (kind === 'mean') {
    const { sd } = pooledMoments(valid);
    return sd / Math.sqrt(essOfPrepared(splitChains(valid)));
  }
  if (kind === 'sd') {
    const { mean, sd } = pooledMoments(valid);
    if (sd === 0) return NaN;
    const y = valid.map((c) => c.map((v) => (v - mean) * (v - mean)));
    const { sd: sdy } = pooledMoments(y);
    // sdy / (2 sd) with both denominators S - 1 equals ArviZ's ratio with denominators S.
    return sdy / Math.sqrt(essOfPrepared(splitChains(y))) / (2 * sd);
  }
  throw new InputError('kind', `must be 'mean', 'sd' or {quantile: p}, got ${JSON.stringify(kind)}`);
}
