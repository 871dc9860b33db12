/**
 * The one Cartesian pixel-grid descriptor: square pixels of side `step`, pixel (ix, iy) centred at
 * (x0 + ix step, y0 + iy step), stored row-major (ny rows of nx, index iy * nx + ix). Used by sky
 * maps (skyGrid) and by the PSF/pixel convolution grid (convolutionGrid). Lengths are in any one
 * unit (arcsec for the JAM).
 */
import { bilinearAt, type Axis, type InterpWeights } from '../math/bilinear.ts';

export interface PixelGrid {
  nx: number;
  ny: number;
  /** Centre of pixel (0, 0). */
  x0: number;
  y0: number;
  /** Pixel side, > 0. */
  step: number;
}

/** A map grid with its pixel centres, row-major (ny rows of nx). */
export interface SkyGrid extends PixelGrid {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Map grid: an odd number of pixels of side `step` along each axis, one of them centred on
 * (0, 0), covering |x| <= halfX, |y| <= halfY to the nearest pixel (halfX, halfY >= 0, step > 0).
 */
export function skyGrid(halfX: number, halfY: number, step: number): SkyGrid {
  const nx = 2 * Math.round(halfX / step) + 1;
  const ny = 2 * Math.round(halfY / step) + 1;
  const g = { nx, ny, x0: -((nx - 1) / 2) * step, y0: -((ny - 1) / 2) * step, step };
  return { ...g, ...pixelCentres(g) };
}

/**
 * Convolution grid: an even number (>= 2) of pixels along each axis, pixel centres at
 * (k + 1/2) step, covering at least |x| <= halfX, |y| <= halfY. No pixel centre is at (0, 0), so
 * every centre is at elliptical radius >= step / sqrt(2) and a log-radius polar grid starting
 * there covers them all.
 */
export function convolutionGrid(halfX: number, halfY: number, step: number): PixelGrid {
  const nxh = Math.max(1, Math.ceil(halfX / step));
  const nyh = Math.max(1, Math.ceil(halfY / step));
  return { nx: 2 * nxh, ny: 2 * nyh, step, x0: -(nxh - 0.5) * step, y0: -(nyh - 0.5) * step };
}

/** Centres of the pixels of a grid, row-major. */
export function pixelCentres(g: PixelGrid): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(g.nx * g.ny);
  const y = new Float64Array(g.nx * g.ny);
  for (let iy = 0; iy < g.ny; iy++) {
    for (let ix = 0; ix < g.nx; ix++) {
      x[iy * g.nx + ix] = g.x0 + ix * g.step;
      y[iy * g.nx + ix] = g.y0 + iy * g.step;
    }
  }
  return { x, y };
}

/** The grid as a lattice for the bilinear interpolator (slow axis y, fast axis x); nx, ny >= 2. */
export function pixelAxes(g: PixelGrid): { y: Axis; x: Axis } {
  return { y: { n: g.ny, start: g.y0, step: g.step }, x: { n: g.nx, start: g.x0, step: g.step } };
}

/**
 * Sparse bilinear weights from pixel-centre values to points; outside the outermost pixel
 * centres a point takes the nearest edge value.
 */
export function pixelWeights(g: PixelGrid, x: ArrayLike<number>, y: ArrayLike<number>): InterpWeights {
  const ax = pixelAxes(g);
  const index = new Int32Array(4 * x.length);
  const weight = new Float64Array(4 * x.length);
  for (let p = 0; p < x.length; p++) bilinearAt(ax.y, ax.x, y[p], x[p], index, weight, 4 * p);
  return { index, weight };
}
