/**
 * jamVrms: the JAM (cylindrically aligned) line-of-sight V_rms at sky points, the one entry point
 * for every evaluation mode:
 *  - 'direct' (default without PSF): eq. 28 at each point; any point, including (0, 0).
 *  - 'polar': eq. 28 on an elliptical polar grid spanning the points, bilinearly interpolated
 *    (fast for thousands of points; the centre itself cannot be a grid node, so (0, 0) is refused).
 *  - PSF (when `psf` is given): polar grid -> Cartesian grid -> seeing + pixel convolution ->
 *    interpolation at the points (Cappellari 2008 App. A).
 */
import { InputError } from '../../core/errors.ts';
import { vrms2Direct } from './direct.ts';
import { prepareModel, type JamParams, type PreparedModel } from './model.ts';
import { interpolatePolar, makePolarGrid, medianQ } from './polar-grid.ts';
import { pixelCentres } from './sky-grid.ts';
import { cartesianGrid, checkPsf, convolvePsf, interpolateCartesian, mgeCellAverage, type Psf } from './psf.ts';

export interface JamOptions {
  /** Gauss-Legendre nodes of the u-integral (default 48, ~1e-7 relative). */
  nodes?: number;
  /** Evaluation without PSF: 'direct' (default) or 'polar'. */
  mode?: 'direct' | 'polar';
  /** Point-spread function (sum of round Gaussians, arcsec). */
  psf?: Psf;
  /** Side of the square spatial pixel in arcsec (>= 0; default 0 = no pixel integration). */
  pixsize?: number;
  /** Angle of the pixel grid with respect to the galaxy's major axis, degrees (default 0). */
  pixang?: number;
  /** Cartesian grid spacing for the convolution, arcsec (default min(psf sigma) / 4). */
  step?: number;
  /** Radii of the polar grid (default 40 with a PSF, 20 in 'polar' mode). */
  nrad?: number;
  /** Eccentric anomalies of the polar grid over [0, 90] deg (default 19 with a PSF, 10 in 'polar' mode). */
  nang?: number;
}

function checkPoints(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (!x || !y || typeof x.length !== 'number' || typeof y.length !== 'number') {
    throw new InputError('x', 'x and y must be arrays of sky coordinates in arcsec');
  }
  if (x.length !== y.length) throw new InputError('y', `has ${y.length} values but x has ${x.length}; give one (x, y) per point`);
  if (x.length === 0) throw new InputError('x', 'is empty; give at least one sky point');
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) throw new InputError(`x[${i}]`, `is ${JSON.stringify(x[i])}; coordinates must be finite numbers (arcsec)`);
    if (typeof y[i] !== 'number' || !Number.isFinite(y[i])) throw new InputError(`y[${i}]`, `is ${JSON.stringify(y[i])}; coordinates must be finite numbers (arcsec)`);
  }
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

/** V_rms^2 in (km/s)^2 at sky points (arcsec, x along the projected major axis). */
export function jamVrms2(params: JamParams | PreparedModel, x: ArrayLike<number>, y: ArrayLike<number>, opts: JamOptions = {}): Float64Array {
  checkPoints(x, y);
  const model = 'lumDeproj' in params ? params : prepareModel(params);
  const nodes = count('nodes', opts.nodes, 48, 4);
  const pixsize = positive('pixsize', opts.pixsize, 0, true);
  const pixang = opts.pixang ?? 0;
  if (typeof pixang !== 'number' || !Number.isFinite(pixang)) throw new InputError('pixang', `is ${JSON.stringify(pixang)}; give the pixel-grid angle in degrees`);

  if (!opts.psf && (opts.mode === undefined || opts.mode === 'direct')) return vrms2Direct(model, x, y, { nodes });
  if (!opts.psf && opts.mode !== 'polar') throw new InputError('mode', `is ${JSON.stringify(opts.mode)}; use "direct" or "polar"`);

  // The interpolating modes shape their grid on the points' elliptical radii.
  let maxAbsX = 0;
  for (let i = 0; i < x.length; i++) maxAbsX = Math.max(maxAbsX, Math.abs(x[i]));
  const qMed = medianQ(model.lum.sigma, model.lum.qobs, maxAbsX);
  let rEllMin = Infinity;
  let rEllMax = 0;
  for (let i = 0; i < x.length; i++) {
    const r = Math.hypot(x[i], y[i] / qMed);
    rEllMin = Math.min(rEllMin, r);
    rEllMax = Math.max(rEllMax, r);
  }

  if (!opts.psf) {
    if (rEllMin === 0) {
      const i = Array.from(x).findIndex((v, k) => v === 0 && y[k] === 0);
      throw new InputError(`x[${i}], y[${i}]`, 'the point (0, 0) cannot be evaluated on the log-radius polar grid; use mode "direct" or move the point off the centre');
    }
    const nrad = count('nrad', opts.nrad, 20, 2);
    const nang = count('nang', opts.nang, 10, 2);
    const grid = makePolarGrid(rEllMin / Math.SQRT2, Math.max(rEllMax, rEllMin), nrad, nang, qMed);
    const onGrid = vrms2Direct(model, grid.x, grid.y, { nodes });
    return interpolatePolar(grid, onGrid, x, y);
  }

  const psf = checkPsf(opts.psf);
  let smin = Infinity;
  let smax = 0;
  for (const s of psf.sigma) {
    smin = Math.min(smin, s);
    smax = Math.max(smax, s);
  }
  const step = positive('step', opts.step, smin / 4);
  const rMax = rEllMax + 3 * smax + pixsize / Math.SQRT2;
  const nrad = count('nrad', opts.nrad, 40, 2);
  const nang = count('nang', opts.nang, 19, 2);
  const polar = makePolarGrid(step / Math.SQRT2, rMax, nrad, nang, qMed);
  const onPolar = vrms2Direct(model, polar.x, polar.y, { nodes });

  const cart = cartesianGrid(rMax, rMax * qMed, step);
  const n = cart.nx * cart.ny;
  if (n > 4e6) {
    throw new InputError('step', `gives a ${cart.nx} x ${cart.ny} convolution grid; increase step or the PSF sigma, or trim the outermost points`);
  }
  const { x: gx, y: gy } = pixelCentres(cart);
  const v2 = interpolatePolar(polar, onPolar, gx, gy);
  const sb = mgeCellAverage(model.lum, cart);
  for (let i = 0; i < n; i++) v2[i] *= sb[i];
  const [num, den] = convolvePsf([v2, sb], cart, psf, pixsize, pixang);
  for (let i = 0; i < n; i++) num[i] = den[i] > 0 ? num[i] / den[i] : 0;
  return interpolateCartesian(num, cart, x, y);
}

/** V_rms = sqrt(max(V_rms^2, 0)) in km/s at sky points; see jamVrms2 and JamOptions. */
export function jamVrms(params: JamParams | PreparedModel, x: ArrayLike<number>, y: ArrayLike<number>, opts: JamOptions = {}): Float64Array {
  const v2 = jamVrms2(params, x, y, opts);
  for (let i = 0; i < v2.length; i++) v2[i] = Math.sqrt(Math.max(v2[i], 0));
  return v2;
}
