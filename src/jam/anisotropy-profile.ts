/**
 * The logistic radial anisotropy profile of Simon, Cappellari & Hartke (2024, MNRAS 527, 2341),
 *     beta(r) = beta_0 + (beta_inf - beta_0) / (1 + (r_a / r)^alpha),
 * beta_0 at r << r_a, beta_inf at r >> r_a, the transition at r = r_a (where beta is the mean of
 * the two) with sharpness alpha > 0. An MGE model has one constant anisotropy per luminous
 * Gaussian, so the profile is assigned per Gaussian at r = its dispersion sigma_k (the radius
 * that Gaussian's light dominates), as JAM users do: beta_k = beta(sigma_k). Radii in arcsec
 * (the MGE's unit) for both sigma_k and r_a; beta dimensionless.
 */
import { InputError } from '../../core/errors.ts';

export interface LogisticProfile {
  /** Transition radius, arcsec, > 0. */
  rA: number;
  beta0: number;
  betaInf: number;
  /** Sharpness of the transition, > 0. */
  alpha: number;
}

/** The fixed sharpness `jamfit fit --beta-profile logistic` uses (see the README). */
export const LOGISTIC_ALPHA = 2;

/** beta(r) of the profile at radius r > 0 (arcsec). @throws InputError naming r_a, alpha or r. */
export function logisticBeta(r: number, p: LogisticProfile): number {
  if (!(p.rA > 0 && Number.isFinite(p.rA))) throw new InputError('r_a', `is ${p.rA}; the transition radius must be > 0 arcsec`);
  if (!(p.alpha > 0 && Number.isFinite(p.alpha))) throw new InputError('alpha', `is ${p.alpha}; the sharpness must be > 0`);
  if (!(r > 0)) throw new InputError('r', `is ${r}; the radius must be > 0`);
  return p.beta0 + (p.betaInf - p.beta0) / (1 + (p.rA / r) ** p.alpha);
}

/** beta_k = beta(sigma_k) for each luminous Gaussian (sigma in arcsec), into `out`. */
export function logisticBetas(sigma: ArrayLike<number>, p: LogisticProfile, out: Float64Array = new Float64Array(sigma.length)): Float64Array {
  for (let k = 0; k < sigma.length; k++) out[k] = logisticBeta(sigma[k], p);
  return out;
}
