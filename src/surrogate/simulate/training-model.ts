/**
 * One training model: a domain draw (n, q_L, q_M, beta_z, inc_deg) turned into the exact JAM's
 * dimensionless velocity on the surrogate grid.
 *
 * Light: the MGE of a Sérsic with I_e = 1 Lsun/pc^2 and R_e = 1 arcsec (sersicToMge, default fit:
 * 15 Gaussians, 300 radii over 0.01..10 R_e), every Gaussian with q' = q_L. Mass (the `qm`
 * convention of design.md): the same surf and sigma with every q' replaced by q_M, M/L = 1. No
 * black hole, no PSF (the likelihood applies the PSF later, which keeps the model scale-free).
 *
 * Scale: the canonical unit is the MGE's OWN half-light isophote (src/photometry/half-light.ts),
 * R_e = aMajor and I_e = level, not the nominal Sérsic 1 and 1: those differ by the MGE fit error
 * (<~1e-3), and a user's photometry (a Sérsic or an MGE) goes through the same half-light
 * measurement, so training and inference share one definition. Grid points (units of R_e) are
 * evaluated at x R_e arcsec, and
 *     v = V_rms / sqrt(G * M/L * I_e[Lsun/pc^2] * R_e[pc]),   G = 0.004301 (km/s)^2 pc/Msun,
 * exact because, without a black hole or PSF, V_rms^2 scales as G (M/L) I_e R_e for fixed shape.
 * The distance (10 Mpc) only converts arcsec to pc and cancels.
 */
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../../jam/constants.ts';
import { vrms2Direct } from '../../jam/direct.ts';
import { prepareModel } from '../../jam/model.ts';
import { mgeHalfLight } from '../../photometry/half-light.ts';
import { qmMassMge, type Mge } from '../../photometry/mge.ts';
import { sersicToMge } from '../../photometry/sersic-mge.ts';

/** Distance of the training models, Mpc; any value gives the same v (tested). */
export const TRAINING_DISTANCE_MPC = 10;

export interface TrainingModel {
  light: Mge;
  mass: Mge;
  /** Half-light semi-major axis of the light MGE, arcsec (~1). */
  re: number;
  /** Surface brightness on the half-light isophote, Lsun/pc^2 (~1). */
  ie: number;
  /** max |1 - MGE/Sérsic| of the light fit over 0.01..10 R_e. */
  mgeMaxRelErr: number;
}

/** The light and mass MGEs and scale of a draw p = [n, q_L, q_M, beta_z, inc_deg]. */
export function trainingModel(p: ArrayLike<number>): TrainingModel {
  const light = sersicToMge({ n: p[0], Re: 1, Ie: 1, qobs: p[1] });
  const mass = qmMassMge(light, p[2]);
  const hl = mgeHalfLight(light, 'mge_lum');
  return { light, mass, re: hl.aMajor, ie: hl.level, mgeMaxRelErr: light.maxRelErr };
}

/**
 * Dimensionless v = V_rms / sqrt(G ml I_e R_e[pc]) from V_rms^2 in (km/s)^2, given I_e in the
 * tracer's surf unit (Lsun/pc^2), R_e in arcsec, the distance in Mpc and M/L. Negative V_rms^2
 * (which JAM can return for strongly tangential anisotropy) becomes 0, as jampy does. In place.
 */
export function toScaleFree(vrms2: Float64Array, ie: number, reArcsec: number, distanceMpc: number, ml = 1): Float64Array {
  const scale = 1 / (G_KMS2_PC_MSUN * ml * ie * reArcsec * pcPerArcsec(distanceMpc));
  for (let i = 0; i < vrms2.length; i++) vrms2[i] = Math.sqrt(Math.max(vrms2[i], 0) * scale);
  return vrms2;
}

/**
 * v of a draw at points (gx, gy) in units of R_e (e.g. a thetaLogRGrid's x, y), by direct
 * evaluation of eq. 28 with `nodes` Gauss-Legendre nodes. Returns v and the model.
 */
export function trainingV(p: ArrayLike<number>, gx: ArrayLike<number>, gy: ArrayLike<number>, nodes: number, model = trainingModel(p)): { v: Float64Array; model: TrainingModel } {
  const prepared = prepareModel({ mgeLum: model.light, mgePot: model.mass, incDeg: p[4], beta: p[3], distanceMpc: TRAINING_DISTANCE_MPC });
  const x = Float64Array.from(gx, (t) => t * model.re);
  const y = Float64Array.from(gy, (t) => t * model.re);
  const v2 = vrms2Direct(prepared, x, y, { nodes });
  return { v: toScaleFree(v2, model.ie, model.re, TRAINING_DISTANCE_MPC), model };
}
