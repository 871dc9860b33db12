/**
 * Frequentist coverage of Bayesian credible intervals over simulations whose truths are prior
 * draws: averaged over the prior, a central p-credible interval of the exact posterior contains
 * the truth with probability exactly p, so the number of hits in n independent simulations is
 * Binomial(n, p) and the fraction's standard deviation sqrt(p (1 - p) / n). A fraction more than
 * ~3 sd below p means intervals too narrow (over-confident or biased); above, too wide.
 */
import { InputError } from '../../core/errors.ts';

export interface Coverage {
  /** The credibility of the intervals, in (0, 1). */
  nominal: number;
  n: number;
  hits: number;
  fraction: number;
  /** sqrt(nominal (1 - nominal) / n): the binomial sd of `fraction` when calibrated. */
  sd: number;
  /** (fraction - nominal) / sd. */
  z: number;
}

/**
 * Coverage of intervals [lo_i, hi_i] (closed) of the truths truth_i at credibility `nominal`.
 * @throws InputError on length mismatch, no simulations, NaN values or lo > hi.
 */
export function intervalCoverage(truth: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, nominal: number): Coverage {
  const n = truth.length;
  if (n === 0) throw new InputError('truth', 'is empty; give at least one simulation');
  if (lo.length !== n || hi.length !== n) throw new InputError('intervals', `have ${lo.length} / ${hi.length} bounds for ${n} truths`);
  if (!(nominal > 0 && nominal < 1)) throw new InputError('nominal', `is ${nominal}; give a credibility in (0, 1)`);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (!(lo[i] <= hi[i]) || Number.isNaN(truth[i])) throw new InputError(`simulation ${i}`, `has truth ${truth[i]} and interval [${lo[i]}, ${hi[i]}]; give numbers with lo <= hi`);
    if (truth[i] >= lo[i] && truth[i] <= hi[i]) hits++;
  }
  const fraction = hits / n;
  const sd = Math.sqrt((nominal * (1 - nominal)) / n);
  return { nominal, n, hits, fraction, sd, z: (fraction - nominal) / sd };
}

/**
 * Coverage at every credibility level from randomised PITs (src/validate/sbc.ts): the truth lies in
 * the central gamma interval of the draws iff |pit - 1/2| < gamma/2. Returns, for each level, the
 * fraction of simulations covered: the "coverage curve", the diagonal when calibrated.
 */
export function coverageCurve(pits: ArrayLike<number>, levels: ArrayLike<number>): number[] {
  const n = pits.length;
  if (n === 0) throw new InputError('pits', 'is empty; give at least one simulation');
  const out: number[] = [];
  for (let j = 0; j < levels.length; j++) {
    let c = 0;
    for (let i = 0; i < n; i++) if (Math.abs(pits[i] - 0.5) < levels[j] / 2) c++;
    out.push(c / n);
  }
  return out;
}
