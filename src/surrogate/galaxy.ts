/**
 * What the surrogate needs of one galaxy, computed once before sampling: the MLP's feature
 * inputs (n, q_L), the physical scale of its dimensionless output and its output grid in arcsec.
 *
 * How the photometry reaches the network:
 *  - a Sérsic (the JSON photometry): (n, q_L) are known exactly and used as they are, so the
 *    CNN's reading error (held-out |dn/n| median 6.4e-5 for v5, fixtures/surrogate/README.md)
 *    does not enter;
 *  - an MGE: rendered into the canonical image (src/photometry/canonical-image.ts: 64 x 64
 *    log10(Sigma/I_e) over +-3 R_e, major axis on x; the same renderer the training images came
 *    from) and read by the CNN, once: the Sérsic that best stands for that light profile.
 * The scale is the training set's: V_rms = v sqrt(G M/L I_e R_e[pc]) with R_e and I_e the
 * semi-major axis and level of the light MGE's own half-light isophote (src/photometry/
 * half-light.ts); for a Sérsic its MGE (sersicToMge, the training set's) is measured, so training
 * and inference use one definition.
 */
import { InputError } from '../../core/errors.ts';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../jam/constants.ts';
import { makePolarGrid, type PolarGrid } from '../operator/polar-grid.ts';
import { canonicalImage } from '../photometry/canonical-image.ts';
import { mgeHalfLight } from '../photometry/half-light.ts';
import type { Mge } from '../photometry/mge.ts';
import { cnnForwardJs } from './cnn-js.ts';
import type { Surrogate } from './model-files.ts';

/** Raw (n, q_L) read by the surrogate's CNN from a canonical image (pure JS, synchronous). */
export function cnnFeatures(s: Surrogate, pixels: ArrayLike<number>): [number, number] {
  if (!s.cnn) throw new InputError('surrogate', 'this model has no CNN, so it cannot read an MGE; fit with --exact or give Sérsic photometry');
  const y = cnnForwardJs(s.cnn.arch, s.cnn.weights, pixels);
  return [Math.exp(y[0] * s.norm.inStd[0] + s.norm.inMean[0]), y[1] * s.norm.inStd[1] + s.norm.inMean[1]];
}

export interface SurrogateGalaxy {
  /** Raw MLP features (n, q_L). */
  features: [number, number];
  /** 'sersic' (exact) or 'cnn' (read from the rendered MGE). */
  featureSource: 'sersic' | 'cnn';
  /** Half-light semi-major axis of the light MGE, arcsec, and its surface brightness, Lsun/pc^2. */
  reArcsec: number;
  ieLsunPc2: number;
  /** V_rms^2 [(km/s)^2] per unit v^2 and unit M/L: G I_e R_e[pc]. */
  v2Scale: number;
}

/**
 * @param light  the light MGE (surf Lsun/pc^2, sigma arcsec) the fit uses.
 * @param sersic the exact Sérsic (n, q) when the photometry is one; null for an MGE.
 * @param distanceMpc > 0.
 */
export function surrogateGalaxy(s: Surrogate, light: Mge, sersic: { n: number; qobs: number } | null, distanceMpc: number, lightSource = 'photometry'): SurrogateGalaxy {
  const hl = mgeHalfLight(light, lightSource);
  let features: [number, number];
  let featureSource: SurrogateGalaxy['featureSource'];
  if (sersic) {
    features = [sersic.n, sersic.qobs];
    featureSource = 'sersic';
  } else {
    const im = s.manifest.image;
    const img = canonicalImage({ kind: 'mge', mge: light }, { size: im.size, fov: im.fov, oversample: im.oversample });
    features = cnnFeatures(s, img.pixels);
    featureSource = 'cnn';
  }
  return { features, featureSource, reArcsec: hl.aMajor, ieLsunPc2: hl.level, v2Scale: G_KMS2_PC_MSUN * hl.level * hl.aMajor * pcPerArcsec(distanceMpc) };
}

/** The surrogate's output grid (manifest, in R_e) in arcsec for a galaxy of half-light axis reArcsec. */
export function surrogateGridArcsec(s: Surrogate, reArcsec: number): PolarGrid {
  const g = s.manifest.grid;
  return makePolarGrid(g.rMin * reArcsec, g.rMax * reArcsec, g.nRad, g.nTheta, 1);
}
