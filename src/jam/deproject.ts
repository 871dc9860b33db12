/**
 * Deprojection of an MGE at inclination i (Cappellari 2008 eqs 12-14): each projected Gaussian
 * becomes an oblate spheroidal Gaussian with intrinsic axial ratio
 *   q_k = sqrt(q'_k^2 - cos^2 i) / sin i
 * and central density nu0_k = I_k q'_k / (sqrt(2 pi) sigma_k q_k).
 */
import { DomainError } from '../../core/errors.ts';
import type { Mge } from '../photometry/mge.ts';

/** Smallest intrinsic axial ratio accepted, as in the reference code: q' >= hypot(cos i, 0.05 sin i). */
export const Q_INTRINSIC_MIN = 0.05;

/**
 * Smallest observed axial ratio that inclination `incDeg` (degrees, (0, 90]) can deproject.
 * A Gaussian flatter than this on the sky would need an intrinsic q below 0.05.
 */
export function minQobs(incDeg: number): number {
  const i = (incDeg * Math.PI) / 180;
  return Math.hypot(Math.cos(i), Q_INTRINSIC_MIN * Math.sin(i));
}

/**
 * The inverse of minQobs: the lowest inclination (degrees, [0, 90]) at which a Gaussian of observed
 * axial ratio qMin deprojects with intrinsic q >= Q_INTRINSIC_MIN, from
 * q'^2 = cos^2 i + Q_INTRINSIC_MIN^2 sin^2 i. 0 for q' = 1; 90 for q' <= Q_INTRINSIC_MIN.
 */
export function deprojectionLimitDeg(qMin: number): number {
  const q2 = Q_INTRINSIC_MIN * Q_INTRINSIC_MIN;
  const c2 = (qMin * qMin - q2) / (1 - q2);
  return c2 <= 0 ? 90 : (Math.acos(Math.sqrt(Math.min(c2, 1))) * 180) / Math.PI;
}

/** Intrinsic axial ratio of a Gaussian with observed ratio qobs at inclination incDeg (no checks). */
export function intrinsicQ(qobs: number, incDeg: number): number {
  const i = (incDeg * Math.PI) / 180;
  const c = Math.cos(i);
  const s = Math.sin(i);
  return Math.sqrt(Math.max(qobs * qobs - c * c, 0)) / s;
}

const DEG = Math.PI / 180;

/**
 * t = ln sqrt(q'^2 - cos^2 i) of an inclination (degrees) for the flattest q': the variable in which
 * JAM maps are smooth down to the deprojection limit (the inclination tables' axis); NaN where
 * it cannot be deprojected (q'^2 - cos^2 i <= 0).
 */
export function tOfInc(qMin: number, incDeg: number): number {
  const c = Math.cos(incDeg * DEG);
  const s2 = qMin * qMin - c * c;
  return s2 > 0 ? 0.5 * Math.log(s2) : NaN;
}

/** The inclination (degrees) of t. */
export function incOfT(qMin: number, t: number): number {
  const c2 = qMin * qMin - Math.exp(2 * t);
  return Math.acos(Math.sqrt(Math.max(c2, 0))) / DEG;
}

export interface Deprojected {
  /** Intrinsic axial ratios. */
  q: Float64Array;
  /** Dispersions in pc. */
  sigmaPc: Float64Array;
  /** Central 3-D densities in (units of surf) / pc. */
  rho0: Float64Array;
}

/**
 * Deprojects an (already checked) MGE. `sigma` is converted to pc with `pcPerArcsec`.
 * Throws DomainError (an InputError) naming `name.qobs[k]` when q'_k is below what the
 * inclination allows: the parameters lie outside the model's domain, which a posterior maps to -Infinity.
 */
export function deprojectMge(mge: Mge, incDeg: number, pcPerArcsec: number, name: string): Deprojected {
  const n = mge.surf.length;
  const qmin = minQobs(incDeg);
  const q = new Float64Array(n);
  const sigmaPc = new Float64Array(n);
  const rho0 = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const qo = mge.qobs[k];
    // A tiny tolerance keeps exactly edge-on-limit inputs (q' = cos i + rounding) usable.
    if (qo < qmin * (1 - 1e-12)) {
      throw new DomainError(
        `${name}.qobs[${k}]`,
        `q' = ${qo} is flatter than inclination ${incDeg} deg allows (needs q' >= ${qmin.toFixed(5)}); raise inc_deg or fix the MGE`,
      );
    }
    q[k] = Math.max(intrinsicQ(qo, incDeg), Q_INTRINSIC_MIN * (1 - 1e-12));
    sigmaPc[k] = mge.sigma[k] * pcPerArcsec;
    rho0[k] = (mge.surf[k] * qo) / (Math.sqrt(2 * Math.PI) * sigmaPc[k] * q[k]);
  }
  return { q, sigmaPc, rho0 };
}
