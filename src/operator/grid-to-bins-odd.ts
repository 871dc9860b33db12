/**
 * The grid -> bins operator for a field that is odd in x and even in y, such as the mean
 * line-of-sight velocity of an axisymmetric model (x along the projected major axis): the values
 * on the first-quadrant polar grid g give f(x, y) = sign(x) g(|x|, |y|) on the whole plane.
 * Otherwise it is the operator of grid-to-bins.ts (Cappellari 2008 App. A, eq. A3): the
 * surface-brightness-weighted, PSF- and pixel-convolved value at each bin,
 *     f_bin = C . diag(1/den) . K . diag(Sigma) . S . P . g,   den = K . Sigma,
 * with S = diag(sign(x)) at the convolution grid's pixel centres (never on x = 0: they lie at
 * (k + 1/2) step). Without PSF and pixel each bin gets its 4 polar weights times sign(x_bin) (a bin
 * on x = 0 gets 0). The result is a GridToBins, applied with applyGridToBins / applyGridToBinsBatch.
 * Units as grid-to-bins.ts.
 */
import { InputError } from '../../core/errors.ts';
import { bilinearAt } from '../math/bilinear.ts';
import { checkPoints, convolutionRadius, defaultStep, type GridToBins, type GridToBinsSpec } from './grid-to-bins.ts';
import { mgePixelAverage } from './mge-pixel-average.ts';
import { convolutionGrid, pixelWeights } from './pixel-grid.ts';
import { outsidePolarGrid, polarAxes, polarWeights } from './polar-grid.ts';
import { cellKernel, checkPsf } from './psf.ts';

/**
 * Builds the odd-in-x operator for the bins (same spec and errors as buildGridToBins: InputError for
 * a bad PSF, pixsize, pixang, step or bins, and when the convolution grid would exceed maxPixels).
 * clampedFraction and centreOutside mean the same as there.
 */
export function buildGridToBinsOdd(spec: GridToBinsSpec): GridToBins {
  const { grid, x, y } = spec;
  checkPoints(x, y);
  const pixsize = spec.pixsize ?? 0;
  if (typeof pixsize !== 'number' || !Number.isFinite(pixsize) || pixsize < 0) {
    throw new InputError('pixsize', `is ${JSON.stringify(pixsize)}; give the pixel side as a finite number >= 0 (0 = no pixel)`);
  }
  const pixang = spec.pixang ?? 0;
  if (typeof pixang !== 'number' || !Number.isFinite(pixang)) throw new InputError('pixang', `is ${JSON.stringify(pixang)}; give the pixel-grid angle in degrees`);
  const psf = spec.psf ? checkPsf(spec.psf) : null;
  const nbins = x.length;
  const ngrid = grid.lnRad.length * grid.ang.length;
  const centreOutside = outsidePolarGrid(grid, x, y);
  const clampedFraction = new Float64Array(nbins);

  if (!psf && pixsize === 0) {
    if (spec.step !== undefined) throw new InputError('step', 'applies only with a PSF or pixsize > 0; remove it');
    for (const b of centreOutside) clampedFraction[b] = 1;
    const sparse = polarWeights(grid, x, y);
    for (let b = 0; b < nbins; b++) {
      const sg = Math.sign(x[b]);
      for (let t = 0; t < 4; t++) sparse.weight[4 * b + t] *= sg;
    }
    return { nbins, ngrid, sparse, dense: null, convolution: null, clampedFraction, centreOutside };
  }

  const step = spec.step ?? defaultStep(psf, pixsize);
  if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) throw new InputError('step', `is ${JSON.stringify(step)}; give the convolution grid spacing as a finite number > 0`);
  const q = grid.qMed;
  const rConv = convolutionRadius(x, y, q, psf, pixsize, step);
  const conv = convolutionGrid(rConv, rConv * q, step);
  const { nx, ny } = conv;
  if (nx * ny > (spec.maxPixels ?? 4e6)) {
    throw new InputError('step', `gives a ${nx} x ${ny} convolution grid; increase step or the PSF sigma, or trim the outermost points`);
  }
  const sb = spec.light ? mgePixelAverage(spec.light, conv) : new Float64Array(nx * ny).fill(1);
  const { nk, values: kern } = cellKernel(psf, pixsize, pixang, step);
  const w = 2 * nk + 1;
  const pw = w + 1;
  const patch = new Float64Array(pw * pw);
  const cw = pixelWeights(conv, x, y);
  const { lnR, ecc } = polarAxes(grid);
  const rLo = Math.exp(grid.lnRad[0]) * (1 - 1e-12);
  const rHi = Math.exp(grid.lnRad[grid.lnRad.length - 1]) * (1 + 1e-12);
  const pIdx = new Int32Array(4);
  const pWt = new Float64Array(4);
  const W = new Float64Array(nbins * ngrid);

  for (let b = 0; b < nbins; b++) {
    const base = cw.index[4 * b];
    const iy0 = Math.floor(base / nx);
    const ix0 = base - iy0 * nx;
    const py0 = iy0 - nk;
    const px0 = ix0 - nk;
    patch.fill(0);
    // The normalised kernel footprints of the bin's 4 interpolation pixels (as grid-to-bins.ts).
    for (let k = 0; k < 4; k++) {
      const c = cw.weight[4 * b + k];
      if (c === 0) continue;
      const iy = iy0 + (k >> 1);
      const ix = ix0 + (k & 1);
      const myLo = Math.max(-nk, -iy);
      const myHi = Math.min(nk, ny - 1 - iy);
      const mxLo = Math.max(-nk, -ix);
      const mxHi = Math.min(nk, nx - 1 - ix);
      let den = 0;
      for (let my = myLo; my <= myHi; my++) {
        const krow = (my + nk) * w + nk;
        const srow = (iy + my) * nx + ix;
        for (let mx = mxLo; mx <= mxHi; mx++) den += kern[krow + mx] * sb[srow + mx];
      }
      if (!(den > 0)) continue;
      const a = c / den;
      for (let my = myLo; my <= myHi; my++) {
        const krow = (my + nk) * w + nk;
        const prow = (iy + my - py0) * pw + (ix - px0);
        for (let mx = mxLo; mx <= mxHi; mx++) patch[prow + mx] += a * kern[krow + mx];
      }
    }
    let total = 0;
    let clamped = 0;
    const row = b * ngrid;
    for (let j = 0; j < pw; j++) {
      const iy = py0 + j;
      if (iy < 0 || iy >= ny) continue;
      const yc = (conv.y0 + iy * step) / q;
      for (let i = 0; i < pw; i++) {
        const pv = patch[j * pw + i];
        if (pv === 0) continue;
        const ix = px0 + i;
        if (ix < 0 || ix >= nx) continue;
        const coef = pv * sb[iy * nx + ix];
        if (coef === 0) continue;
        const xs = conv.x0 + ix * step;
        const xc = Math.abs(xs);
        const ay = Math.abs(yc);
        const rr = Math.hypot(xc, ay);
        bilinearAt(lnR, ecc, Math.log(rr), Math.atan2(ay, xc), pIdx, pWt, 0);
        // The odd extension: the first-quadrant value carries the sign of x.
        const sc = xs > 0 ? coef : -coef;
        for (let t = 0; t < 4; t++) W[row + pIdx[t]] += sc * pWt[t];
        total += coef;
        if (!(rr >= rLo && rr <= rHi)) clamped += coef;
      }
    }
    clampedFraction[b] = total > 0 ? clamped / total : 0;
  }
  return { nbins, ngrid, sparse: null, dense: W, convolution: conv, clampedFraction, centreOutside };
}
