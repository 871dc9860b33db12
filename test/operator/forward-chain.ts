/**
 * The grid -> bins chain evaluated forwards, image by image, as the JAM PSF path did before the
 * operator existed (Cappellari 2008 App. A): polar grid values -> pixel centres (bilinear) ->
 * times Sigma -> full 2-D convolution of Sigma V^2 and of Sigma with the kernel (zero outside) ->
 * ratio (0 where no light) -> bilinear at the bins. It shares the operator's building blocks
 * (kernel, grids, interpolation weights) but not its transposed, footprint-per-row assembly, which
 * is what the comparison checks.
 */
import { applyWeights } from '../../src/math/bilinear.ts';
import { mgePixelAverage } from '../../src/operator/mge-pixel-average.ts';
import { pixelCentres, pixelWeights, type PixelGrid } from '../../src/operator/pixel-grid.ts';
import { polarWeights, type PolarGrid } from '../../src/operator/polar-grid.ts';
import { cellKernel, checkPsf, type Psf } from '../../src/operator/psf.ts';

export function forwardChain(
  grid: PolarGrid,
  g: ArrayLike<number>,
  conv: PixelGrid,
  bx: number[],
  by: number[],
  o: { psf?: Psf; pixsize: number; pixang: number; light?: { surf: number[]; sigma: number[]; qobs: number[] } },
): Float64Array {
  const { nx, ny } = conv;
  const c = pixelCentres(conv);
  const v2 = applyWeights(polarWeights(grid, c.x, c.y), g);
  const sb = o.light ? mgePixelAverage(o.light, conv) : new Float64Array(nx * ny).fill(1);
  const { nk, values } = cellKernel(o.psf ? checkPsf(o.psf) : null, o.pixsize, o.pixang, conv.step);
  const w = 2 * nk + 1;
  const num = new Float64Array(nx * ny);
  const den = new Float64Array(nx * ny);
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      let a = 0;
      let b = 0;
      for (let my = -nk; my <= nk; my++) {
        for (let mx = -nk; mx <= nk; mx++) {
          const jy = iy + my;
          const jx = ix + mx;
          if (jy < 0 || jy >= ny || jx < 0 || jx >= nx) continue;
          const k = values[(my + nk) * w + mx + nk];
          a += k * sb[jy * nx + jx] * v2[jy * nx + jx];
          b += k * sb[jy * nx + jx];
        }
      }
      num[iy * nx + ix] = b > 0 ? a / b : 0;
      den[iy * nx + ix] = b;
    }
  }
  return applyWeights(pixelWeights(conv, bx, by), num);
}
