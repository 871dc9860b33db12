/**
 * Sérsic (1968) surface-brightness profile with the exact b_n.
 *
 *   I(R) = Ie exp{-b_n [(R/Re)^(1/n) - 1]},
 *
 * where b_n makes Re the half-light radius: γ(2n, b_n) = Γ(2n)/2, i.e. P(2n, b_n) = 1/2
 * (Ciotti & Bertin 1999, A&A 352, 447). R is the radius along the projected major axis (or the
 * elliptical radius sqrt(x'^2 + y'^2/q^2) for a flattened profile), in the same unit as Re.
 */
import { InputError } from '../../core/errors.ts';
import { gammaincInv, gammaincP, lnGamma } from '../math/special.ts';

/** Sérsic parameters: index n (dimensionless), effective radius Re, surface brightness Ie at Re. */
export interface SersicParams {
  /** Sérsic index, in [0.2, 20]. */
  readonly n: number;
  /** Effective (half-light) radius along the major axis, > 0 (arcsec in this project). */
  readonly Re: number;
  /** Surface brightness at Re, > 0 (Lsun/pc^2 in this project). */
  readonly Ie: number;
}

export const SERSIC_N_MIN = 0.2;
export const SERSIC_N_MAX = 20;

function checkN(n: number, where: string): void {
  if (typeof n !== 'number' || !(n >= SERSIC_N_MIN && n <= SERSIC_N_MAX)) {
    throw new InputError(where, `is ${n}; the Sérsic index must be a number in [${SERSIC_N_MIN}, ${SERSIC_N_MAX}]`);
  }
}

function checkPositive(v: number, where: string, unit: string): void {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new InputError(where, `is ${v}; must be a finite number > 0${unit}`);
  }
}

/**
 * Exact Sérsic b_n: the root of P(2n, b) = 1/2 (inverse regularised lower incomplete gamma).
 * Dimensionless. Range n in [0.2, 20]; relative accuracy ~1e-15. Throws `InputError('n', …)`
 * outside the range or for NaN. Examples: b_1 = 1.678346990016661, b_4 = 7.669249442500804.
 */
export function sersicBn(n: number): number {
  checkN(n, 'n');
  return gammaincInv(2 * n, 0.5);
}

/**
 * Ciotti & Bertin (1999) asymptotic series b_n ≈ 2n - 1/3 + 4/(405 n) + 46/(25515 n^2).
 * Dimensionless, for comparison only (use `sersicBn`). The truncation error is
 * ≈ 281/(3444525 n^3) ≈ 8.2e-5/n^3 (the next term of the expansion of the median of a gamma
 * distribution, Choi 1994, with a = 2n); measured |error| < 1e-4/n^3 for n in [0.36, 20].
 */
export function sersicBnAsymptotic(n: number): number {
  return 2 * n - 1 / 3 + 4 / (405 * n) + 46 / (25515 * n * n);
}

/**
 * Sérsic surface brightness Ie exp{-b_n [(R/Re)^(1/n) - 1]} at each radius R (same unit as Re;
 * R >= 0, R = 0 gives the central value Ie e^{b_n}). Output in the unit of Ie. `bn` may be
 * passed to skip its computation (it must be `sersicBn(n)`). Throws `InputError` for an invalid
 * n, Re or Ie; negative or NaN radii give NaN.
 */
export function sersicProfile(R: ArrayLike<number>, params: SersicParams, bn?: number): Float64Array {
  checkN(params.n, 'n');
  checkPositive(params.Re, 'Re', ' (effective radius)');
  checkPositive(params.Ie, 'Ie', ' (surface brightness at Re)');
  const b = bn ?? sersicBn(params.n);
  const invN = 1 / params.n;
  const out = new Float64Array(R.length);
  for (let i = 0; i < R.length; i++) {
    const r = R[i];
    out[i] = r >= 0 ? params.Ie * Math.exp(-b * (Math.pow(r / params.Re, invN) - 1)) : NaN;
  }
  return out;
}

/**
 * Total luminosity of a Sérsic profile with axial ratio q:
 *   L = 2 π n Ie Re^2 e^{b_n} b_n^{-2n} Γ(2n) q,
 * in units of Ie × Re^2 (with Ie in Lsun/pc^2 and Re in pc this is Lsun; with Re in arcsec,
 * multiply by (pc per arcsec)^2). q in (0, 1] defaults to 1 (circular). Throws `InputError`.
 */
export function sersicTotalLuminosity(params: SersicParams, q = 1): number {
  checkN(params.n, 'n');
  checkPositive(params.Re, 'Re', ' (effective radius)');
  checkPositive(params.Ie, 'Ie', ' (surface brightness at Re)');
  if (!(q > 0 && q <= 1)) throw new InputError('q', `is ${q}; the axial ratio must lie in (0, 1]`);
  const n = params.n;
  const b = sersicBn(n);
  // In logs: e^{b} b^{-2n} overflows/underflows separately for large n.
  const lnL = Math.log(2 * Math.PI * n * params.Ie * params.Re * params.Re * q) + b - 2 * n * Math.log(b) + lnGamma(2 * n);
  return Math.exp(lnL);
}

/**
 * Luminosity inside the (elliptical) radius R: L(<R) = L_total P(2n, b_n (R/Re)^{1/n}).
 * Same units and errors as `sersicTotalLuminosity`; R >= 0 (R = Infinity gives the total).
 */
export function sersicEnclosedLuminosity(R: number, params: SersicParams, q = 1): number {
  if (!(R >= 0)) throw new InputError('R', `is ${R}; the radius must be >= 0`);
  const total = sersicTotalLuminosity(params, q);
  return total * gammaincP(2 * params.n, sersicBn(params.n) * Math.pow(R / params.Re, 1 / params.n));
}
