/**
 * The polar image of an MGE: log10 (Sigma / I_e) at log-spaced radii and uniform angles over one
 * quadrant, in the canonical frame (lengths in units of the half-light semi-major axis R_e,
 * major axis at theta = 0; src/photometry/half-light.ts). It is the photometric input of the
 * multi-component surrogate.
 *
 * Why polar and not the Cartesian canonical image (canonical-image.ts, 64 x 64 over +-3 R_e):
 * realistic photometry carries structure on scales from a nucleus (sigma ~ 0.005 R_e) to the outer
 * disc (~10 R_e), and the V_rms grid itself runs from 0.02 to 4 R_e in log radius. A Cartesian
 * pixel of 0.094 R_e holds a nucleus and a small bulge in one pixel, so their sizes are lost;
 * on log-spaced radii each decade gets the same number of samples. An MGE is aligned and
 * symmetric about both axes, so one quadrant is all of it, and a noiseless MGE is sampled at
 * points (no pixel averaging).
 * Layout: row-major [iRad][iTheta], r_i = rMin (rMax/rMin)^(i/(nRad-1)), theta_j = 90 deg j /
 * (nTheta-1) from the major axis. Values are clamped below at POLAR_FLOOR (log10), so a profile
 * that underflows stays finite.
 */
import { mgeSurfaceDensity, type Mge } from './mge.ts';

export interface PolarImageSpec {
  nRad: number;
  nTheta: number;
  /** Innermost and outermost radius, units of R_e, 0 < rMin < rMax. */
  rMin: number;
  rMax: number;
}

/** 40 radii over 0.003..10 R_e (11.5 per decade) x 7 angles (15 deg apart): 280 values. */
export const POLAR_IMAGE_V1: PolarImageSpec = { nRad: 40, nTheta: 7, rMin: 0.003, rMax: 10 };

/** Lowest log10 (Sigma / I_e) returned (Sigma underflow or empty MGE). */
export const POLAR_FLOOR = -12;

/**
 * The polar image of `mge` (surf in units of I_e, sigma in units of R_e: the canonical frame;
 * scale a physical MGE first). Returns Float32Array of nRad * nTheta values.
 */
export function polarImage(mge: Mge, spec: PolarImageSpec = POLAR_IMAGE_V1): Float32Array {
  const { nRad, nTheta, rMin, rMax } = spec;
  if (!(Number.isInteger(nRad) && nRad >= 2 && Number.isInteger(nTheta) && nTheta >= 2 && rMin > 0 && rMax > rMin)) throw new RangeError(`polarImage: bad spec ${JSON.stringify(spec)}`);
  const x = new Float64Array(nRad * nTheta);
  const y = new Float64Array(nRad * nTheta);
  for (let i = 0; i < nRad; i++) {
    const r = rMin * Math.pow(rMax / rMin, i / (nRad - 1));
    for (let j = 0; j < nTheta; j++) {
      const th = ((Math.PI / 2) * j) / (nTheta - 1);
      x[i * nTheta + j] = r * Math.cos(th);
      y[i * nTheta + j] = r * Math.sin(th);
    }
  }
  const sigma = mgeSurfaceDensity(mge, x, y);
  const out = Float32Array.from(sigma, (s) => (s > 0 ? Math.max(Math.log10(s), POLAR_FLOOR) : POLAR_FLOOR));
  return out;
}
