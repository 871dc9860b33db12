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
