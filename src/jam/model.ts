/**
 * A JAM model's physical inputs, validated once, deprojected once: the object every evaluation
 * mode (direct, polar grid, PSF) starts from.
 */
import { DomainError, InputError } from '../../core/errors.ts';
import { pcPerArcsec } from './constants.ts';
import { deprojectMge, type Deprojected } from './deproject.ts';
import { checkMge, type Mge } from '../photometry/mge.ts';

export interface JamParams {
  /** Tracer (light) MGE: surf in Lsun/pc^2, sigma in arcsec. */
  mgeLum: Mge;
  /** Mass MGE: surf in Msun/pc^2 (for M/L = 1), sigma in arcsec. */
  mgePot: Mge;
  /** Inclination in degrees, (0, 90]; 90 = edge-on. */
  incDeg: number;
  /** beta_z = 1 - sigma_z^2/sigma_R^2: one value, or one per luminous Gaussian; each < 1. */
  beta: number | ArrayLike<number>;
  /** Distance in Mpc, > 0. */
  distanceMpc: number;
  /** Mass-to-light ratio multiplying the mass MGE (and the black hole): V_rms scales as sqrt(ml). Default 1. */
  ml?: number;
  /** Black-hole mass in Msun, >= 0 (default 0). */
  mbh?: number;
  /** Black-hole Gaussian dispersion in arcsec (default 0.01). */
  rbh?: number;
}

export interface PreparedModel {
  params: JamParams;
  incDeg: number;
  pcPerArcsec: number;
  ml: number;
  /** Checked tracer MGE (arcsec units) for the surface density. */
  lum: { surf: Float64Array; sigma: Float64Array; qobs: Float64Array };
  lumDeproj: Deprojected;
  potDeproj: Deprojected;
  /** sigma_R^2/sigma_z^2 per luminous Gaussian. */
  b: Float64Array;
}

function finite(name: string, v: unknown, fix: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(name, `is ${JSON.stringify(v)}; ${fix}`);
  return v;
}

/**
 * Validates parameters and deprojects both MGEs. Throws InputError naming the faulty field:
 * a DomainError (subclass) when a finite parameter lies outside the model's domain (inclination
 * outside (0, 90] or too low for q', beta_z >= 1, ml <= 0, mbh < 0, rbh <= 0, distance <= 0),
 * a plain InputError for non-numbers, NaN and malformed MGEs.
 */
export function prepareModel(params: JamParams): PreparedModel {
  const incDeg = finite('inc_deg', params.incDeg, 'give the inclination in degrees, in (0, 90]');
  if (!(incDeg > 0 && incDeg <= 90)) throw new DomainError('inc_deg', `is ${incDeg}; the inclination must lie in (0, 90] degrees (90 = edge-on)`);
  const distance = finite('distance_mpc', params.distanceMpc, 'give the distance in Mpc');
  if (distance <= 0) throw new DomainError('distance_mpc', `is ${distance}; the distance must be > 0 Mpc`);
  const ml = params.ml === undefined ? 1 : finite('ml', params.ml, 'give the mass-to-light ratio, > 0');
  if (ml <= 0) throw new DomainError('ml', `is ${ml}; the mass-to-light ratio must be > 0`);
  const mbh = params.mbh === undefined ? 0 : finite('mbh', params.mbh, 'give the black-hole mass in Msun, >= 0');
  if (mbh < 0) throw new DomainError('mbh', `is ${mbh}; the black-hole mass must be >= 0 Msun`);
  const rbh = params.rbh === undefined ? 0.01 : finite('rbh', params.rbh, 'give the black-hole Gaussian sigma in arcsec, > 0');
  if (rbh <= 0) throw new DomainError('rbh', `is ${rbh}; the black-hole Gaussian sigma must be > 0 arcsec`);

  const lum = checkMge(params.mgeLum, 'mge_lum');
  const pot0 = checkMge(params.mgePot, 'mge_pot');
  const pot =
    mbh > 0
      ? {
          // The black hole is a round Gaussian added to the potential only; its peak surface density
          // mbh / (2 pi sigma^2) must use sigma in pc.
          surf: Float64Array.of(...pot0.surf, mbh / (2 * Math.PI * (rbh * pcPerArcsec(distance)) ** 2)),
          sigma: Float64Array.of(...pot0.sigma, rbh),
          qobs: Float64Array.of(...pot0.qobs, 1),
        }
      : pot0;

  const nLum = lum.surf.length;
  const b = new Float64Array(nLum);
  if (typeof params.beta === 'number' || params.beta === undefined || params.beta === null) {
    const beta = finite('beta_z', params.beta, 'give beta_z as a number < 1 or one per luminous Gaussian');
    b.fill(checkBeta('beta_z', beta));
  } else {
    const arr = params.beta;
    if (arr.length !== nLum) {
      throw new InputError('beta_z', `has ${arr.length} values but mge_lum has ${nLum} Gaussians; give one number or one per luminous Gaussian`);
    }
    for (let k = 0; k < nLum; k++) b[k] = checkBeta(`beta_z[${k}]`, finite(`beta_z[${k}]`, arr[k], 'give a number < 1'));
  }

  const scale = pcPerArcsec(distance);
  return {
    params,
    incDeg,
    pcPerArcsec: scale,
    ml,
    lum,
    lumDeproj: deprojectMge(lum, incDeg, scale, 'mge_lum'),
    potDeproj: deprojectMge(pot, incDeg, scale, 'mge_pot'),
    b,
  };
}

function checkBeta(name: string, beta: number): number {
  if (!(beta < 1)) throw new DomainError(name, `is ${beta}; beta_z must be < 1 (sigma_z > 0)`);
  return 1 / (1 - beta);
}
