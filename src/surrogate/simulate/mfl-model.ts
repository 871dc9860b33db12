/**
 * One training row of the multi-component surrogate: a galaxy of the photometric family
 * (src/photometry/galaxy-family.ts), mass following light (mass MGE = M/L x light MGE), at one
 * inclination, as the two cylindrically aligned JAM maps whose sum gives V_rms^2 at ANY
 * constant anisotropy:
 *     v^2 = P + b Q,   b = 1 / (1 - beta_z)
 * (Cappellari 2008 eqs 8 and 28 are affine in b: src/jam/los-basis.ts). So a row serves every
 * beta_z, and the trainer draws beta_z itself.
 *
 * Scale-free as the v1 set (training-model.ts): lengths in units of the light MGE's own
 * half-light semi-major axis R_e, v = V_rms / sqrt(G M/L I_e R_e[pc]), so P and Q are V_rms^2 /
 * (G M/L I_e R_e[pc]) per unit of b. The MGE is stored in the same units (sigma / R_e,
 * surf / I_e), so any image of it can be rendered later without the generator.
 *
 * Inclination: uniform in [i_min, 90] deg, i_min the smallest inclination at which the flattest
 * Gaussian deprojects with intrinsic q >= 0.05 (src/jam/deproject.ts): the range a user's prior
 * can reach for that photometry.
 */
import { Rng } from '../../../samplers/rng.ts';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../../jam/constants.ts';
import { deprojectionLimitDeg, deprojectMge } from '../../jam/deproject.ts';
import { maxRadius } from '../../jam/direct.ts';
import { losBasisMoments, prepareBasisKernel } from '../../jam/los-basis.ts';
import { drawFamilyGalaxy, FAMILY_PARAM_NAMES, familyParamVector, type GalaxyFamily } from '../../photometry/galaxy-family.ts';
import { inHalfLightUnits } from '../../photometry/half-light.ts';
import { flattestQ, mgeSurfaceDensity, type Mge } from '../../photometry/mge.ts';
import { TRAINING_DISTANCE_MPC } from './training-model.ts';

/** Gaussian slots stored per row (the family has at most 19: bulge 10 + disc 8 + nucleus). */
export const MFL_MAX_GAUSSIANS = 20;

const slot = (name: string) => Array.from({ length: MFL_MAX_GAUSSIANS }, (_, k) => `${name}_${String(k).padStart(2, '0')}`);

/**
 * Columns of a row: the inclination and its lower limit, the MGE's half-light scale in the
 * family's units (arcsec, Lsun/pc^2), the number of Gaussians, the family parameters, then the
 * MGE in units of (I_e, R_e), zero-padded (surf 0) to MFL_MAX_GAUSSIANS.
 */
export const MFL_COLUMNS = ['inc_deg', 'inc_min_deg', 're_mge', 'ie_mge', 'n_gauss', ...FAMILY_PARAM_NAMES, ...slot('surf'), ...slot('sigma'), ...slot('q')] as const;


export interface MflRow {
  /** MFL_COLUMNS values. */
  params: Float64Array;
  /** P then Q on the grid points: [2 x npoints]. */
  pq: Float64Array;
  /** The light MGE in units of (I_e, R_e). */
  mge: Mge;
}

/** Row k of the set (seed, family): galaxy k at its own inclination draw. */
export function mflRow(seed: number, k: number, family: GalaxyFamily, gx: ArrayLike<number>, gy: ArrayLike<number>, nodes: number): MflRow {
  const gal = drawFamilyGalaxy(seed, k, family);
  const { mge, hl } = inHalfLightUnits(gal.mge, 'galaxy-family');
  const incMin = deprojectionLimitDeg(flattestQ(mge));
  // Its own stream, so the inclination does not depend on how many numbers the galaxy used;
  // kept a hair above the limit, where the deprojection is exact to rounding.
  const rng = new Rng(`jamfit-mfl-inclination:${seed}:${k}`);
  const lo = Math.min(incMin + 1e-6, 90);
  const inc = lo + (90 - lo) * rng.uniform();
  const pq = mflMaps(mge, inc, gx, gy, nodes);
  const params = new Float64Array(MFL_COLUMNS.length);
  const fam = familyParamVector(gal.params);
  params.set([inc, incMin, hl.aMajor, hl.level, mge.surf.length, ...fam], 0);
  const off = 5 + fam.length;
  if (mge.surf.length > MFL_MAX_GAUSSIANS) throw new RangeError(`mflRow: ${mge.surf.length} Gaussians exceed the ${MFL_MAX_GAUSSIANS} slots`);
  params.set(mge.surf, off);
  params.set(mge.sigma, off + MFL_MAX_GAUSSIANS);
  params.set(mge.qobs, off + 2 * MFL_MAX_GAUSSIANS);
  return { params, pq, mge };
}

/**
 * P and Q of a light MGE in units of (I_e, R_e), mass following light, at inclination incDeg,
 * at points (gx, gy) in R_e: [P..., Q...]. V_rms^2 / (G M/L I_e R_e[pc]) = P + b Q. Points where
 * the light's surface density underflows get 0.
 */
export function mflMaps(mge: Mge, incDeg: number, gx: ArrayLike<number>, gy: ArrayLike<number>, nodes: number): Float64Array {
  // Any distance and unit scale give the same scale-free maps; use the training distance and
  // R_e = 1 arcsec, I_e = 1 Lsun/pc^2.
  const scale = pcPerArcsec(TRAINING_DISTANCE_MPC);
  const lum = deprojectMge(mge, incDeg, scale, 'photometry');
  const n = mge.surf.length;
  const rMax = maxRadius(gx, gy);
  const zeros = new Int32Array(n);
  const kernel = prepareBasisKernel(lum, lum, zeros, 1, zeros, 1, incDeg, nodes, rMax * scale);
  const npts = gx.length;
  const raw = losBasisMoments(kernel, Float64Array.from(gx, (v) => v * scale), Float64Array.from(gy, (v) => v * scale));
  const sb = mgeSurfaceDensity(mge, gx, gy);
  const unit = 1 / (G_KMS2_PC_MSUN * scale);
  const out = new Float64Array(2 * npts);
  for (let i = 0; i < npts; i++) {
    const w = sb[i] > 0 ? unit / sb[i] : 0;
    out[i] = raw[i] * w;
    out[npts + i] = raw[npts + i] * w;
  }
  return out;
}
