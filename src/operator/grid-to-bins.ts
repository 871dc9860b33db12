/**
 * The grid -> bins operator: the linear map W (nbins x ngrid) from V_rms^2 at the nodes of a
 * polar grid (src/operator/polar-grid.ts; the JAM's grid in arcsec, or the surrogate's theta-log r
 * grid, q = 1, in R_e) to the binned, seeing- and pixel-convolved V_rms^2 (Cappellari 2008,
 * App. A, eqs A3 and A6):
 *     V2_bin = C . diag(1/den) . K . diag(Sigma) . P . g,        den = K . Sigma,
 * with g the grid values, P the bilinear interpolation from the polar grid to the pixel centres of
 * a Cartesian convolution grid, Sigma the light MGE averaged over each pixel (or 1: no weighting),
 * K the PSF + pixel kernel (zero outside the grid), and C the bilinear interpolation from pixel
 * centres to the bins. Without PSF and pixel W = the 4 bilinear polar weights of each bin.
 *
 * Every factor is fixed by the photometry, PSF, pixel and bins, so W is built once per galaxy and
 * applied to any number of models. K is point-symmetric, so K^T = K and a row of W is
 *     W[b, :] = P^T . diag(Sigma) . K . diag(1/den) . C^T e_b:
 * C^T e_b has 4 pixels, so each row costs 4 kernel footprints (and 4 footprint sums for den), not
 * a convolution of the whole grid.
 *
 * Units: any one length unit for the grid, bins, PSF sigma, pixel size, step and the light MGE's
 * sigma (arcsec for the JAM); the MGE's surf unit cancels. Values come out in the unit of g.
 */
import { InputError } from '../../core/errors.ts';
import { applyWeights, bilinearAt, type InterpWeights } from '../math/bilinear.ts';
import { mgePixelAverage } from './mge-pixel-average.ts';
import { convolutionGrid, pixelWeights, type PixelGrid } from './pixel-grid.ts';
import { outsidePolarGrid, polarAxes, polarWeights, type PolarGrid } from './polar-grid.ts';
import { cellKernel, checkPsf, kernelReach, type CheckedPsf, type Psf } from './psf.ts';

export interface GridToBinsSpec {
  /** The input grid: W's columns are its nodes (index iRad * nang + iAng). */
  grid: PolarGrid;
  /** Bin centres (same length unit as the grid; any quadrant). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Point-spread function, a sum of round Gaussians. */
  psf?: Psf;
  /** Side of the square pixel, >= 0 (default 0: no pixel integration). */
  pixsize?: number;
  /** Angle of the pixel axes from the grid's x axis (the projected major axis), degrees (default 0). */
  pixang?: number;
  /** Light MGE for the surface-brightness weighting; omitted: uniform weighting. */
  light?: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> };
  /**
   * Spacing of the convolution grid, > 0. Default min(PSF sigma)/4; pixel only, pixsize/16.
   * Measured V_rms error of a 2" pixel at 30 deg on the cuspy n = 4 reference model against a
   * converged quadrature: pixsize/8 max 2e-2, /16 max 6e-3, /32 max 1e-3, the maxima at bins whose
   * pixel edge crosses the nucleus (its light is spread over the cells at the centre); elsewhere
   * <= 5e-4 at /16, down to the polar grid's ~2e-4 floor. Smaller steps cost (1/step)^2 pixels.
   */
  step?: number;
  /** Largest convolution grid allowed (default 4e6 pixels), above which `step` is refused. */
  maxPixels?: number;
  /**
   * Symmetry of the field on the grid (default 'even'). The grid holds the first quadrant; an
   * even field (V_rms^2) is f(x, y) = g(|x|, |y|) on the whole plane, an odd one (the mean
   * velocity, odd in x and even in y) f(x, y) = sign(x) g(|x|, |y|): every interpolation from
   * the grid, at a bin or at a convolution pixel (whose centres never lie on x = 0), then
   * carries sign(x), and a bin on x = 0 gets 0 without PSF and pixel.
   */
  parity?: 'even' | 'odd';
}

export interface GridToBins {
  nbins: number;
  ngrid: number;
  /** No PSF and no pixel: 4 polar-grid weights per bin; otherwise null. */
  sparse: InterpWeights | null;
  /** With a PSF or pixel: W row-major (nbins x ngrid); otherwise null. */
  dense: Float64Array | null;
  /** The convolution grid (null when sparse). */
  convolution: PixelGrid | null;
  /**
   * Per bin, the fraction of its weight taken from points (bin centre, or pixel centres of its
   * PSF/pixel footprint) whose elliptical radius lies outside the grid's radial range, where the
   * polar interpolation is clamped to the nearest ring instead of interpolated; in [0, 1].
   */
  clampedFraction: Float64Array;
  /** Indices of the bins whose centre lies outside the grid's radial range. */
  centreOutside: number[];
}

/** Validates bin or sky-point coordinates: arrays of equal, non-zero length of finite numbers. */
export function checkPoints(x: ArrayLike<number>, y: ArrayLike<number>): void {
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

/** Largest elliptical radius sqrt(x^2 + (y/q)^2) of the points. */
export function maxEllipticalRadius(x: ArrayLike<number>, y: ArrayLike<number>, q: number): number {
  let r = 0;
  for (let i = 0; i < x.length; i++) r = Math.max(r, Math.hypot(x[i], y[i] / q));
  return r;
}

/** Default convolution step: min(PSF sigma)/4 with a PSF, pixsize/16 for a pixel alone (see GridToBinsSpec.step). */
export function defaultStep(psf: CheckedPsf | null, pixsize: number): number {
  return psf ? Math.min(...psf.sigma) / 4 : pixsize / 16;
}

/**
 * Outer elliptical radius the polar grid must reach for these bins (the bins' largest elliptical
 * radius plus the kernel reach); the convolution grid spans |x| <= R, |y| <= R q.
 */
export function convolutionRadius(x: ArrayLike<number>, y: ArrayLike<number>, q: number, psf: CheckedPsf | null, pixsize: number, step: number): number {
  return maxEllipticalRadius(x, y, q) + kernelReach(psf, pixsize, step);
}

/**
 * Builds W for the bins (see the module header). Throws InputError for a bad PSF (`psf...`),
 * pixsize, pixang, step or bins, and when the convolution grid would exceed maxPixels (`step`).
 * The grid needs nrad, nang >= 2.
 */
export function buildGridToBins(spec: GridToBinsSpec): GridToBins {
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
  const odd = spec.parity === 'odd';
  if (spec.parity !== undefined && spec.parity !== 'even' && !odd) throw new InputError('parity', `is ${JSON.stringify(spec.parity)}; use even or odd`);

  if (!psf && pixsize === 0) {
    if (spec.step !== undefined) throw new InputError('step', 'applies only with a PSF or pixsize > 0; remove it');
    for (const b of centreOutside) clampedFraction[b] = 1;
    const sparse = polarWeights(grid, x, y);
    if (odd) for (let b = 0; b < nbins; b++) for (let t = 0; t < 4; t++) sparse.weight[4 * b + t] *= Math.sign(x[b]);
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
  const pw = w + 1; // patch side: the footprints of a 2 x 2 block of pixels
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
      if (!(den > 0)) continue; // no light under the kernel: the chain sets the ratio to 0
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
        const sc = odd && xs < 0 ? -coef : coef;
        for (let t = 0; t < 4; t++) W[row + pIdx[t]] += sc * pWt[t];
        total += coef;
        if (!(rr >= rLo && rr <= rHi)) clamped += coef;
      }
    }
    clampedFraction[b] = total > 0 ? clamped / total : 0;
  }
  return { nbins, ngrid, sparse: null, dense: W, convolution: conv, clampedFraction, centreOutside };
}

/** The operator of a field odd in x and even in y (the mean velocity): buildGridToBins with parity 'odd'. */
export function buildGridToBinsOdd(spec: GridToBinsSpec): GridToBins {
  return buildGridToBins({ ...spec, parity: 'odd' });
}

/**
 * out[b] = sum_j W[b, j] g[j]: binned V_rms^2 from grid values g (length ngrid, the grid's node
 * order). `out` (length nbins) defaults to a new array.
 */
export function applyGridToBins(op: GridToBins, g: ArrayLike<number>, out: Float64Array = new Float64Array(op.nbins)): Float64Array {
  if (g.length !== op.ngrid) throw new RangeError(`applyGridToBins: ${g.length} grid values for a ${op.ngrid}-node grid`);
  if (op.sparse) return applyWeights(op.sparse, g, out);
  const W = op.dense!;
  const n = op.ngrid;
  for (let b = 0; b < op.nbins; b++) {
    let s = 0;
    const row = b * n;
    for (let j = 0; j < n; j++) s += W[row + j] * g[j];
    out[b] = s;
  }
  return out;
}

/**
 * Batched apply for many models at once (e.g. a half-ensemble of walkers): G holds `count` grid
 * vectors row-major (count x ngrid); returns count x nbins row-major. Each row of W is read once
 * per call rather than once per model.
 */
export function applyGridToBinsBatch(op: GridToBins, G: ArrayLike<number>, count: number, out: Float64Array = new Float64Array(count * op.nbins)): Float64Array {
  const n = op.ngrid;
  if (G.length !== count * n) throw new RangeError(`applyGridToBinsBatch: ${G.length} values for ${count} grids of ${n} nodes`);
  const nb = op.nbins;
  if (op.sparse) {
    const { index, weight } = op.sparse;
    for (let m = 0; m < count; m++) {
      const off = m * n;
      for (let b = 0; b < nb; b++) {
        const k = 4 * b;
        out[m * nb + b] =
          weight[k] * G[off + index[k]] + weight[k + 1] * G[off + index[k + 1]] + weight[k + 2] * G[off + index[k + 2]] + weight[k + 3] * G[off + index[k + 3]];
      }
    }
    return out;
  }
  const W = op.dense!;
  for (let b = 0; b < nb; b++) {
    const row = b * n;
    for (let m = 0; m < count; m++) {
      const off = m * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += W[row + j] * G[off + j];
      out[m * nb + b] = s;
    }
  }
  return out;
}

/**
 * Bins the likelihood should exclude (with a warning): those whose centre lies outside the grid's
 * radial range, and, when maxClampedFraction < 1, those drawing more than that fraction of their
 * PSF/pixel-weighted value from clamped points (see GridToBins.clampedFraction). Sorted indices.
 */
export function binsOutsideGrid(op: GridToBins, maxClampedFraction = 1): number[] {
  const out = new Set(op.centreOutside);
  for (let b = 0; b < op.nbins; b++) if (op.clampedFraction[b] > maxClampedFraction) out.add(b);
  return [...out].sort((a, c) => a - c);
}
