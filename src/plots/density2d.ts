/**
 * Binned densities of samples for the corner plot: 1-D and 2-D histograms, Gaussian smoothing of
 * a 2-D histogram, and the density level whose super-level set holds a given fraction of the
 * samples (the "credible region" contour).
 *
 * Why the level comes from the samples and not from the smoothed histogram's own mass: smoothing
 * convolves the density with the kernel, so the smoothed mass above a level is that of a broader
 * distribution (for a Gaussian of sd s smoothed by a kernel of sd k, a "39.3%" level found from the
 * smoothed mass encloses 1 - exp(-(1 + k^2/s^2)/2) of the samples). Measured on 100,000 draws of a
 * correlated 2-D Gaussian with the corner plot's defaults (40 bins, smoothing 1.5 bins), the
 * mass-based 39.3% / 86.5% lines held 41.8% / 89.2% of the samples; at smoothing 4, 56% / 96%. Evaluating
 * the smoothed density at every sample (bilinear, the same interpolant the contours use) and
 * taking the (1 - f) quantile of those values gives a level whose region {density >= level}
 * holds exactly the fraction f of the samples, whatever the smoothing; smoothing then only
 * changes the region's shape (smoother), not its probability content.
 */
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { bilinearAt } from '../math/bilinear.ts';
import { gaussianBlur } from '../math/gaussian-blur.ts';
import type { Grid } from './contour.ts';

/** Counts of `x` in `nbins` equal bins over [lo, hi] (values outside, or NaN, are not counted). */
export function histogram1d(x: ArrayLike<number>, lo: number, hi: number, nbins: number): Float64Array {
  const counts = new Float64Array(nbins);
  const scale = nbins / (hi - lo);
  for (let k = 0; k < x.length; k++) {
    const u = (x[k] - lo) * scale;
    if (u >= 0 && u <= nbins) counts[Math.min(nbins - 1, Math.floor(u))]++;
  }
  return counts;
}

/**
 * 2-D histogram of (x, y) over [xlo, xhi] x [ylo, yhi] with nx x ny bins, as a Grid whose nodes
 * are the bin centres (so contours of it are in data units). Row-major: bin (i, j) at j*nx + i.
 */
export function histogram2d(x: ArrayLike<number>, y: ArrayLike<number>, xr: readonly [number, number], yr: readonly [number, number], nx: number, ny: number): Grid {
  const values = new Float64Array(nx * ny);
  const sx = nx / (xr[1] - xr[0]);
  const sy = ny / (yr[1] - yr[0]);
  for (let k = 0; k < x.length; k++) {
    const u = (x[k] - xr[0]) * sx;
    const w = (y[k] - yr[0]) * sy;
    if (u >= 0 && u <= nx && w >= 0 && w <= ny) values[Math.min(ny - 1, Math.floor(w)) * nx + Math.min(nx - 1, Math.floor(u))]++;
  }
  const dx = 1 / sx;
  const dy = 1 / sy;
  return { values, nx, ny, x0: xr[0] + dx / 2, y0: yr[0] + dy / 2, dx, dy };
}

/**
 * Separable Gaussian smoothing of a grid, kernel sd `sigmaBins` in bins (<= 0: a copy), truncated
 * at 4 sd. Outside the grid the field is taken as zero (no mass is invented at the range's edges;
 * a little leaks out, which does not matter for levels taken from the samples).
 */
export function gaussianSmooth(grid: Grid, sigmaBins: number): Grid {
  const { nx, ny } = grid;
  const src = Float64Array.from(grid.values);
  if (!(sigmaBins > 0)) return { ...grid, values: src };
  const out = gaussianBlur(src, nx, ny, sigmaBins, { reach: 4, edge: 'zero' });
  return { ...grid, values: out };
}

/**
 * Bilinear interpolation of a grid at (x, y); the grid's value at the nearest border node beyond
 * its outermost nodes (within half a bin of them); 0 farther out, i.e. outside the histogram's range.
 */
export function bilinear(grid: Grid, x: number, y: number): number {
  const u = (x - grid.x0) / grid.dx;
  const w = (y - grid.y0) / grid.dy;
  if (!(u >= -0.5 && u <= grid.nx - 0.5 && w >= -0.5 && w <= grid.ny - 0.5)) return 0;
  if (grid.nx < 2 || grid.ny < 2) return grid.values[0];
  // Within the nodes (and clamped to them in the half bin beyond): the project's one bilinear rule.
  bilinearAt({ n: grid.ny, start: grid.y0, step: grid.dy }, { n: grid.nx, start: grid.x0, step: grid.dx }, y, x, IDX, WT, 0);
  const v = grid.values;
  return WT[0] * v[IDX[0]] + WT[1] * v[IDX[1]] + WT[2] * v[IDX[2]] + WT[3] * v[IDX[3]];
}

const IDX = new Int32Array(4);
const WT = new Float64Array(4);

/**
 * Density levels whose super-level sets {density >= level} hold the given fractions of the
 * samples: the (1 - f) sample quantile of the density evaluated at each sample (see the module
 * comment). Samples outside the grid count with density 0 (always outside). fractions in (0, 1);
 * returns one level per fraction (0 when the fraction is so large that it reaches samples outside
 * the grid: no contour can be drawn).
 */
export function massLevels(grid: Grid, x: ArrayLike<number>, y: ArrayLike<number>, fractions: readonly number[]): number[] {
  const d = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) d[k] = bilinear(grid, x[k], y[k]);
  d.sort();
  return fractions.map((f) => quantile(d, 1 - f));
}
