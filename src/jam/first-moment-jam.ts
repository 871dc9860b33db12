/**
 * jamVlos: the mean line-of-sight velocity V of the cylindrically aligned JAM (src/jam/first-moment.ts)
 * at sky points, through the same evaluation modes as jamVrms2 (src/jam/jam.ts):
 *  - direct (default without PSF and pixel): the line-of-sight integral at each point;
 *  - 'polar': on the elliptical polar grid spanning the points, interpolated with the odd-in-x
 *    variant of the grid -> bins operator (src/operator/grid-to-bins.ts, parity 'odd');
 *  - PSF and/or pixel: V_bins = W_odd . V(polar grid), the surface-brightness-weighted, seeing- and
 *    pixel-convolved mean velocity (Cappellari 2008 App. A applied to the first moment: the operator
 *    weights by the surface brightness, so it convolves Sigma V and divides by the convolved Sigma),
 *    on the same polar and convolution grids as jamVrms2 with the same options.
 */
import { InputError } from '../../core/errors.ts';
import { vlosDirect } from './first-moment.ts';
import { integrationPolarGrid, pointsMedianQ, pointsPolarGrid, type JamOptions } from './jam.ts';
import { prepareModel, type JamParams, type PreparedModel } from './model.ts';
import type { SphOptions } from './sph-moments.ts';
import { applyGridToBins, checkPoints, defaultStep } from '../operator/grid-to-bins.ts';
import { buildGridToBinsOdd } from '../operator/grid-to-bins.ts';
import { checkPsf } from '../operator/psf.ts';

/**
 * V in km/s at sky points (arcsec, x along the projected major axis; positive on the +x side for
 * kappa > 0), M/L applied; kappa one number or one per luminous Gaussian (see first-moment.ts).
 * `opts` as jamVrms2 (mode, psf, pixsize, pixang, step, nrad, nang; `nodes` concerns V_rms only and
 * is ignored here); align 'sph' is refused (the first moment is that of the cylindrical model).
 * `table` tunes the mean-velocity table (the grid knobs of SphOptions; defaults ~2e-5 relative).
 */
export function jamVlos(
  params: JamParams | PreparedModel,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  kappa: number | ArrayLike<number>,
  opts: JamOptions = {},
  table: SphOptions = {},
): Float64Array {
  checkPoints(x, y);
  const model = 'lumDeproj' in params ? params : prepareModel(params);
  if ((opts.align ?? 'cyl') !== 'cyl') throw new InputError('align', `is ${JSON.stringify(opts.align)}; the first moment (kappa) is implemented for the cylindrically aligned model only: use "cyl" or drop kappa`);
  const pixsize = opts.pixsize ?? 0;
  if (typeof pixsize !== 'number' || !Number.isFinite(pixsize) || pixsize < 0) throw new InputError('pixsize', `is ${JSON.stringify(pixsize)}; it must be a finite number >= 0`);
  const psf = opts.psf ? checkPsf(opts.psf) : null;
  const integrate = psf !== null || pixsize > 0;
  const mode = opts.mode;
  if (mode !== undefined && mode !== 'direct' && mode !== 'polar') throw new InputError('mode', `is ${JSON.stringify(mode)}; use "direct" or "polar"`);
  if (integrate && mode !== undefined) throw new InputError('mode', `is ${JSON.stringify(mode)} but ${psf ? 'a PSF' : 'pixsize > 0'} is given; remove mode`);
  if ((mode ?? 'direct') === 'direct' && !integrate) return vlosDirect(model, x, y, kappa, table);
  const qMed = pointsMedianQ(model.lum, x);
  if (!integrate) {
    let any = false;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0 || y[i] !== 0) any = true;
    if (!any) return new Float64Array(x.length); // V = 0 at the centre
    const grid = pointsPolarGrid(qMed, x, y, opts.nrad ?? 20, opts.nang ?? 10);
    const op = buildGridToBinsOdd({ grid, x, y });
    const out = applyGridToBins(op, vlosDirect(model, grid.x, grid.y, kappa, table));
    for (const i of op.centreOutside) out[i] = 0; // only the centre, where V = 0 by symmetry
    return out;
  }
  const step = opts.step ?? defaultStep(psf, pixsize);
  const polar = integrationPolarGrid(qMed, x, y, psf, pixsize, step, opts.nrad ?? 40, opts.nang ?? 19);
  const op = buildGridToBinsOdd({ grid: polar, x, y, psf: opts.psf, pixsize, pixang: opts.pixang ?? 0, light: model.lum, step });
  return applyGridToBins(op, vlosDirect(model, polar.x, polar.y, kappa, table));
}
