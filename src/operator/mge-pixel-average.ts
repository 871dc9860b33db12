/**
 * MGE surface density averaged over each pixel of a grid (exact, by erf per Gaussian): unlike
 * point samples it keeps the light of Gaussians narrower than a pixel, which near the nucleus of
 * a cuspy galaxy is otherwise lost between samples. The surface-brightness weight of the
 * grid -> bins operator.
 */
import { erf } from '../math/erf.ts';
import type { PixelGrid } from './pixel-grid.ts';

/**
 * Pixel-averaged sum over k of surf_k exp(-(x^2 + (y/q_k)^2) / (2 sigma_k^2)), row-major (ny rows
 * of nx), in the units of surf; sigma in the grid's length unit, qobs in (0, 1].
 */
export function mgePixelAverage(
  mge: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> },
  grid: PixelGrid,
): Float64Array {
  const { nx, ny, step, x0, y0 } = grid;
  const out = new Float64Array(nx * ny);
  const fx = new Float64Array(nx);
  const fy = new Float64Array(ny);
  const h = step / 2;
  for (let k = 0; k < mge.surf.length; k++) {
    const sx = mge.sigma[k];
    const sy = mge.sigma[k] * mge.qobs[k];
    // Peak-normalised Gaussian averaged over [c - h, c + h]: sqrt(pi/2) s / (2h) [erf((c+h)/(sqrt2 s)) - erf((c-h)/(sqrt2 s))].
    for (let ix = 0; ix < nx; ix++) {
      const c = x0 + ix * step;
      fx[ix] = (Math.sqrt(Math.PI / 2) * sx * (erf((c + h) / (Math.SQRT2 * sx)) - erf((c - h) / (Math.SQRT2 * sx)))) / step;
    }
    for (let iy = 0; iy < ny; iy++) {
      const c = y0 + iy * step;
      fy[iy] = (Math.sqrt(Math.PI / 2) * sy * (erf((c + h) / (Math.SQRT2 * sy)) - erf((c - h) / (Math.SQRT2 * sy)))) / step;
    }
    const I = mge.surf[k];
    for (let iy = 0; iy < ny; iy++) {
      const a = I * fy[iy];
      if (a === 0) continue;
      const row = iy * nx;
      for (let ix = 0; ix < nx; ix++) out[row + ix] += a * fx[ix];
    }
  }
  return out;
}
