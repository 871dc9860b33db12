/**
 * Stranded walkers: a burn-in remedy for the ensemble's one blind spot.
 *
 * A stretch move proposes a walker's new position on the line through it and a walker of the
 * other half, at least halfway back towards where it is (z in [1/a, a]). A walker that starts in a
 * separate local mode (in a JAM fit: M/L far off, with the systematic-error term at its prior's
 * top absorbing the misfit) must cross the valley between in one such move, and may never do so:
 * it then walks in its pocket for the whole chain, hundreds in ln p below the others. Measured on
 * 400 multi-component validation fits: 28% ended with such a walker, and its draws shifted the
 * ranks (and raised false "posterior piles up at the prior bound" warnings).
 *
 * The remedy, once, at a burn-in step: every walker whose ln p lies further below the ensemble's
 * best than equilibrium allows is moved next to a randomly chosen walker that is not stranded
 * (that walker's position plus a hundredth of the difference of two other good walkers: an
 * affine-invariant jitter, so that the copy is not a duplicate the stretch move cannot separate).
 * The steps before it are burn-in and are discarded (the fit's summary keeps none of them when a
 * walker was moved).
 *
 * "Further than equilibrium allows": for a posterior close to Gaussian in d dimensions,
 * ln p_max - ln p of a draw is chi^2_d / 2. The threshold is half the chi^2_d quantile at
 * 1 - 1e-7 / nwalkers (Wilson & Hilferty 1931's cube-root approximation), so an equilibrated
 * ensemble has a walker flagged with probability about 1e-7. With 32 walkers: 24.8 for d = 4,
 * 31.3 for d = 10.
 * Nothing happens when no walker is stranded: the chain, random stream included, is the one a
 * sampler without this check gives.
 */
import { normalQuantile } from './diagnostics/normal.ts';

/**
 * The largest ln p deficit below the ensemble's best that an equilibrated walker shows (see the
 * module header). `ndim` >= 1, `nwalkers` >= 1 (integers).
 */
export function strandThreshold(ndim: number, nwalkers: number): number {
  const z = normalQuantile(1 - 1e-7 / nwalkers);
  const c = 2 / (9 * ndim);
  return (ndim * (1 - c + z * Math.sqrt(c)) ** 3) / 2;
}

/**
 * Walkers whose ln p (`lp`, one per walker; -Infinity counts as stranded) lies more than
 * strandThreshold(ndim, lp.length) below the largest, in increasing index order; [] when every
 * ln p is -Infinity (nothing to move them to).
 */
export function strandedWalkers(lp: ArrayLike<number>, ndim: number): number[] {
  let top = -Infinity;
  for (let k = 0; k < lp.length; k++) if (lp[k] > top) top = lp[k];
  if (top === -Infinity) return [];
  const cut = top - strandThreshold(ndim, lp.length);
  const out: number[] = [];
  for (let k = 0; k < lp.length; k++) if (!(lp[k] >= cut)) out.push(k);
  return out;
}
