/**
 * How much the data taught: the RMS error of the posterior medians over simulations, to be read
 * next to the prior's standard deviation. A posterior that returns the prior is calibrated too
 * (coverage, ranks and TARP cannot tell), but its RMS error equals the prior sd; the ratio
 * rms / prior_sd is the fraction of the prior's spread left.
 */
import { InputError } from '../../core/errors.ts';

/** sqrt(mean((estimate_i - truth_i)^2)), same units as the inputs; needs >= 1 pair, no NaN. */
export function rmsError(truth: ArrayLike<number>, estimate: ArrayLike<number>): number {
  const n = truth.length;
  if (n === 0 || estimate.length !== n) throw new InputError('estimates', `has ${estimate.length} values for ${n} truths; give one per simulation (>= 1)`);
  let s = 0;
  for (let i = 0; i < n; i++) s += (estimate[i] - truth[i]) ** 2;
  const r = Math.sqrt(s / n);
  if (Number.isNaN(r)) throw new InputError('estimates', 'contain NaN; give finite truths and estimates');
  return r;
}

/**
 * The systematic shift of the posterior medians from the truths over simulations: the mean (with
 * its standard error) and the median of (estimate_i - truth_i), in the inputs' units, and the
 * mean and median of the same differences in units of each simulation's posterior sd. With mocks
 * and fits of the same model the shift is ~0 (a calibrated posterior is unbiased on average over
 * the prior); with a model mismatch (`jamfit validate --mock-align`) it is the systematic error
 * the mismatch causes, and `*_in_sd` says how it compares with the quoted uncertainties.
 */
export interface Shift {
  mean: number;
  /** sd of the differences / sqrt(n) (NaN for n = 1): |mean| >~ 3 mean_se is a real shift. */
  mean_se: number;
  median: number;
  mean_in_sd: number;
  median_in_sd: number;
}

/**
 * See Shift. `sd` is each simulation's posterior sd (> 0) in the inputs' units; needs >= 1
 * simulation, equal lengths, no NaN.
 */
export function systematicShift(truth: ArrayLike<number>, estimate: ArrayLike<number>, sd: ArrayLike<number>): Shift {
  const n = truth.length;
  if (n === 0 || estimate.length !== n || sd.length !== n) throw new InputError('estimates', `has ${estimate.length} values and ${sd.length} sds for ${n} truths; give one of each per simulation (>= 1)`);
  const d = Array.from({ length: n }, (_, i) => estimate[i] - truth[i]);
  const z = d.map((v, i) => v / sd[i]);
  if (d.some((v) => Number.isNaN(v)) || z.some((v) => Number.isNaN(v))) throw new InputError('estimates', 'contain NaN; give finite truths, estimates and sds');
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const var1 = n > 1 ? d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : NaN;
  return { mean, mean_se: Math.sqrt(var1 / n), median: median(d), mean_in_sd: z.reduce((a, b) => a + b, 0) / n, median_in_sd: median(z) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
