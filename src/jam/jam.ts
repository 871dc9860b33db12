/**
 * jamVrms: the JAM line-of-sight V_rms at sky points (cylindrically aligned, Cappellari 2008, or with
 * `align: 'sph'` spherically aligned, Cappellari 2020), the one entry point for every evaluation mode:
 *  - 'direct' (default without PSF and pixel): eq. 28 at each point; any point, including (0, 0).
 *  - 'polar': eq. 28 on an elliptical polar grid spanning the points, bilinearly interpolated
 *    (fast for thousands of points); points inside its innermost ring, i.e. the centre (0, 0),
 *    which cannot be a node of a log-radius grid, are evaluated directly.
 *  - PSF and/or pixel (when `psf` is given or pixsize > 0): V2_bins = W . V2(polar grid), with W
 *    the grid -> bins operator of src/operator/grid-to-bins.ts (interpolation to a Cartesian grid,
 *    surface-brightness weighting, seeing + pixel convolution, division, interpolation at the
 *    points; Cappellari 2008 App. A). A pixel without a PSF is integrated over exactly the same way.
 */
import { InputError } from '../../core/errors.ts';
import { vrms2Direct } from './direct.ts';
import { vrms2DirectSph, type SphOptions } from './sph-los.ts';
import { prepareModel, type JamParams, type PreparedModel } from './model.ts';
import { applyGridToBins, buildGridToBins, checkPoints, convolutionRadius, defaultStep, maxEllipticalRadius } from '../operator/grid-to-bins.ts';
import { makePolarGrid, medianQ, type PolarGrid } from '../operator/polar-grid.ts';
import { checkPsf, type CheckedPsf, type Psf } from '../operator/psf.ts';

export interface JamOptions {
  /**
   * Alignment of the velocity ellipsoid: 'cyl' (default; Cappellari 2008, beta = 1 - sigma_z^2/sigma_R^2)
   * or 'sph' (Cappellari 2020, beta = 1 - sigma_theta^2/sigma_r^2; src/jam/sph-los.ts). Every mode
   * (direct, polar, PSF/pixel) is the same for both; only the values at the points or grid nodes differ.
   */
  align?: 'cyl' | 'sph';
  /** Accuracy knobs of the spherically aligned model (only with align 'sph'; defaults ~1e-5 relative). */
  sph?: SphOptions;
  /** Gauss-Legendre nodes of the u-integral (default 48, ~1e-7 relative). */
  nodes?: number;
  /** Evaluation without PSF and pixel: 'direct' (default) or 'polar'; refused with a PSF or pixsize > 0. */
  mode?: 'direct' | 'polar';
  /** Point-spread function (sum of round Gaussians, arcsec). */
  psf?: Psf;
  /** Side of the square spatial pixel in arcsec (>= 0; default 0 = no pixel integration); integrated with or without a PSF. */
  pixsize?: number;
  /** Angle of the pixel axes counter-clockwise from the galaxy's projected major axis, degrees (default 0; no effect without a pixel). */
  pixang?: number;
  /** Cartesian grid spacing for the convolution, arcsec (default min(psf sigma) / 4, or pixsize / 16 without a PSF); only with a PSF or pixel. */
  step?: number;
  /** Radii of the polar grid (default 40 with a PSF or pixel, 20 in 'polar' mode; refused in 'direct' mode). */
  nrad?: number;
  /** Eccentric anomalies of the polar grid over [0, 90] deg (default 19 with a PSF or pixel, 10 in 'polar' mode; refused in 'direct' mode). */
  nang?: number;
}

function positive(name: string, v: number | undefined, dflt: number, allowZero = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new InputError(name, `is ${JSON.stringify(v)}; it must be a finite number ${allowZero ? '>= 0' : '> 0'}`);
  }
  return v;
}

function count(name: string, v: number | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min || v > 10000) throw new InputError(name, `is ${JSON.stringify(v)}; give an integer in ${min}..10000`);
  return v;
}

/**
 * V_rms^2 in (km/s)^2 at sky points (arcsec, x along the projected major axis); see the module
 * header for the modes and JamOptions for the options. Options that the chosen mode would not use
 * are refused (InputError naming the option) rather than ignored.
 */
export function jamVrms2(params: JamParams | PreparedModel, x: ArrayLike<number>, y: ArrayLike<number>, opts: JamOptions = {}): Float64Array {
  checkPoints(x, y);
  const model = 'lumDeproj' in params ? params : prepareModel(params);
  const align = opts.align ?? 'cyl';
  if (align !== 'cyl' && align !== 'sph') throw new InputError('align', `is ${JSON.stringify(align)}; use "cyl" or "sph"`);
  if (align === 'sph' && opts.nodes !== undefined) throw new InputError('nodes', 'sets the cylindrical model\'s u-rule; with align "sph" use the sph options instead');
  if (align === 'cyl' && opts.sph !== undefined) throw new InputError('sph', 'sets the spherically aligned model; it applies only with align "sph"');
  const nodes = count('nodes', opts.nodes, 48, 4);
  // The model's V_rms^2 at points (arcsec): the one place the alignment enters.
  const values = (px: ArrayLike<number>, py: ArrayLike<number>): Float64Array =>
    align === 'sph' ? vrms2DirectSph(model, px, py, opts.sph) : vrms2Direct(model, px, py, { nodes });
  const pixsize = positive('pixsize', opts.pixsize, 0, true);
  const pixang = opts.pixang ?? 0;
  if (typeof pixang !== 'number' || !Number.isFinite(pixang)) throw new InputError('pixang', `is ${JSON.stringify(pixang)}; give the pixel-grid angle in degrees`);
  const mode = opts.mode;
  if (mode !== undefined && mode !== 'direct' && mode !== 'polar') throw new InputError('mode', `is ${JSON.stringify(mode)}; use "direct" or "polar"`);
  const psf = opts.psf ? checkPsf(opts.psf) : null;
  const integrate = psf !== null || pixsize > 0;
  if (integrate && mode !== undefined) {
    throw new InputError('mode', `is ${JSON.stringify(mode)} but ${psf ? 'a PSF' : 'pixsize > 0'} is given; PSF/pixel integration always uses the polar grid: remove mode`);
  }
  if (!integrate && opts.step !== undefined) throw new InputError('step', 'is the PSF/pixel convolution grid spacing and applies only with a PSF or pixsize > 0; remove it');
  if ((mode ?? 'direct') === 'direct' && !integrate) {
    for (const k of ['nrad', 'nang'] as const) {
      if (opts[k] !== undefined) throw new InputError(k, 'sets the polar grid, which mode "direct" does not use; use mode "polar" or remove it');
    }
    return values(x, y);
  }

  const qMed = pointsMedianQ(model.lum, x);

  if (!integrate) {
    // Polar mode: the grid spans the points off the centre; points inside its innermost ring
    // (only the centre, by construction) are evaluated directly, where eq. 28 is finite.
    let rEllMin = Infinity;
    for (let i = 0; i < x.length; i++) {
      const r = Math.hypot(x[i], y[i] / qMed);
      if (r > 0) rEllMin = Math.min(rEllMin, r);
    }
    if (rEllMin === Infinity) return values(x, y);
    const grid = pointsPolarGrid(qMed, x, y, count('nrad', opts.nrad, 20, 2), count('nang', opts.nang, 10, 2));
    const op = buildGridToBins({ grid, x, y });
    const out = applyGridToBins(op, values(grid.x, grid.y));
    if (op.centreOutside.length > 0) {
      const cx = op.centreOutside.map((i) => x[i]);
      const cy = op.centreOutside.map((i) => y[i]);
      const direct = values(cx, cy);
      op.centreOutside.forEach((i, k) => (out[i] = direct[k]));
    }
    return out;
  }

  const step = positive('step', opts.step, defaultStep(psf, pixsize));
  const polar = integrationPolarGrid(qMed, x, y, psf, pixsize, step, count('nrad', opts.nrad, 40, 2), count('nang', opts.nang, 19, 2));
  const op = buildGridToBins({ grid: polar, x, y, psf: opts.psf, pixsize, pixang, light: model.lum, step });
  return applyGridToBins(op, values(polar.x, polar.y));
}

/**
 * q_med of the interpolating modes' polar grid: the median q' of the light Gaussians with sigma
 * below the points' largest |x| (see medianQ); it depends on the light and the points only, so a
 * likelihood can build the grid once per galaxy and get the same grid as jamVrms2.
 */
export function pointsMedianQ(lum: { sigma: ArrayLike<number>; qobs: ArrayLike<number> }, x: ArrayLike<number>): number {
  let maxAbsX = 0;
  for (let i = 0; i < x.length; i++) maxAbsX = Math.max(maxAbsX, Math.abs(x[i]));
  return medianQ(lum.sigma, lum.qobs, maxAbsX);
}

/**
 * The 'polar' mode grid (no PSF, no pixel): nrad x nang nodes from sqrt(1/2) of the smallest
 * non-zero elliptical radius of the points to the largest (points at the centre lie inside it).
 * Points all at the centre have no such grid: RangeError (jamVrms2 evaluates them directly).
 */
export function pointsPolarGrid(qMed: number, x: ArrayLike<number>, y: ArrayLike<number>, nrad: number, nang: number): PolarGrid {
  let rEllMin = Infinity;
  for (let i = 0; i < x.length; i++) {
    const r = Math.hypot(x[i], y[i] / qMed);
    if (r > 0) rEllMin = Math.min(rEllMin, r);
  }
  if (rEllMin === Infinity) throw new RangeError('pointsPolarGrid: every point lies at the centre');
  const rEllMax = maxEllipticalRadius(x, y, qMed);
  return makePolarGrid(rEllMin / Math.SQRT2, Math.max(rEllMax, rEllMin), nrad, nang, qMed);
}

/**
 * The PSF/pixel mode grid: from step/sqrt(2) (the convolution grid's innermost cell centres) to
 * the points' largest elliptical radius plus the kernel reach (convolutionRadius).
 */
export function integrationPolarGrid(qMed: number, x: ArrayLike<number>, y: ArrayLike<number>, psf: CheckedPsf | null, pixsize: number, step: number, nrad: number, nang: number): PolarGrid {
  return makePolarGrid(step / Math.SQRT2, convolutionRadius(x, y, qMed, psf, pixsize, step), nrad, nang, qMed);
}

/** V_rms = sqrt(max(V_rms^2, 0)) in km/s at sky points; see jamVrms2 and JamOptions. */
export function jamVrms(params: JamParams | PreparedModel, x: ArrayLike<number>, y: ArrayLike<number>, opts: JamOptions = {}): Float64Array {
  const v2 = jamVrms2(params, x, y, opts);
  for (let i = 0; i < v2.length; i++) v2[i] = Math.sqrt(Math.max(v2[i], 0));
  return v2;
}
