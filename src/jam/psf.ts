/**
 * Seeing and square-pixel convolution of a JAM model (Cappellari 2008, App. A, eqs A3 and A6).
 * The observed second moment is surface-brightness weighted:
 *     <V^2>_obs = (K * (Sigma V^2)) / (K * Sigma),
 * with K the PSF (a sum of round Gaussians) convolved with the square pixel (side `pixsize`,
 * rotated by `pixang` with respect to the galaxy's major axis). Both images live on a Cartesian
 * grid of spacing `step` (default min(sigma_psf)/4); Sigma V^2 on that grid comes from V_rms^2 on
 * an elliptical polar grid, bilinearly interpolated.
 */
import { InputError } from '../../core/errors.ts';
import { erf } from '../math/erf.ts';

export interface Psf {
  /** Gaussian dispersions in arcsec, each > 0. */
  sigma: ArrayLike<number>;
  /** Relative weights, each >= 0, not all 0 (normalised internally). */
  weight: ArrayLike<number>;
}

/** Validates a PSF; returns normalised weights. Field paths in errors start with `psf`. */
export function checkPsf(psf: Psf): { sigma: Float64Array; weight: Float64Array } {
  if (!psf || typeof psf !== 'object') throw new InputError('psf', 'must be {"sigma": [..], "weight": [..]} in arcsec');
  const sigma = Float64Array.from(psf.sigma ?? [], Number);
  const weight = Float64Array.from(psf.weight ?? [], Number);
  if (sigma.length === 0) throw new InputError('psf.sigma', 'is empty; give at least one Gaussian dispersion in arcsec');
  if (weight.length !== sigma.length) {
    throw new InputError('psf.weight', `has ${weight.length} values but psf.sigma has ${sigma.length}; give one weight per Gaussian`);
  }
  let total = 0;
  for (let p = 0; p < sigma.length; p++) {
    if (!(Number.isFinite(sigma[p]) && sigma[p] > 0)) throw new InputError(`psf.sigma[${p}]`, `is ${psf.sigma[p]}; PSF dispersions must be finite and > 0 arcsec`);
    if (!(Number.isFinite(weight[p]) && weight[p] >= 0)) throw new InputError(`psf.weight[${p}]`, `is ${psf.weight[p]}; PSF weights must be finite and >= 0`);
    total += weight[p];
  }
  if (!(total > 0)) throw new InputError('psf.weight', 'all weights are 0; give positive weights');
  for (let p = 0; p < weight.length; p++) weight[p] /= total;
  return { sigma, weight };
}

/**
 * One Gaussian of dispersion s convolved with a box of half-width d, sampled at offset x and
 * normalised to unit integral: [erf((d - x)/(sqrt2 s)) + erf((d + x)/(sqrt2 s))] / (4 d).
 * For d = 0 it is the unit Gaussian (the d -> 0 limit).
 */
export function boxedGaussian(x: number, s: number, d: number): number {
  if (d === 0) return Math.exp((-0.5 * x * x) / (s * s)) / (Math.sqrt(2 * Math.PI) * s);
  return (erf((d - x) / (Math.SQRT2 * s)) + erf((d + x) / (Math.SQRT2 * s))) / (4 * d);
}

export interface CartesianGrid {
  nx: number;
  ny: number;
  step: number;
  /** Centre of pixel (0, 0) in arcsec; pixel (ix, iy) is at (x0 + ix step, y0 + iy step). */
  x0: number;
  y0: number;
}

/** Grid of pixel centres (k + 1/2) step covering |x| <= halfX, |y| <= halfY (arcsec). */
export function cartesianGrid(halfX: number, halfY: number, step: number): CartesianGrid {
  const nxh = Math.max(1, Math.ceil(halfX / step));
  const nyh = Math.max(1, Math.ceil(halfY / step));
  return { nx: 2 * nxh, ny: 2 * nyh, step, x0: -(nxh - 0.5) * step, y0: -(nyh - 0.5) * step };
}

/**
 * Convolves images (row-major, ny rows of nx) with the PSF + pixel kernel, 'same' size, zero
 * outside. `pixang` in degrees. When the pixel is aligned with the grid (pixang a multiple of 90)
 * or absent, the kernel is a sum of separable terms and each is applied as two 1-D passes;
 * otherwise the full 2-D kernel is applied directly. The kernel is truncated at
 * 3 max(sigma) + pixsize/sqrt2 from its centre (eq. A6); the same truncation applies to both
 * images, so it cancels to first order in their ratio.
 */
export function convolvePsf(
  images: Float64Array[],
  grid: CartesianGrid,
  psf: { sigma: Float64Array; weight: Float64Array },
  pixsize: number,
  pixang: number,
): Float64Array[] {
  const { nx, ny, step } = grid;
  let smax = 0;
  for (const s of psf.sigma) smax = Math.max(smax, s);
  const reach = 3 * smax + pixsize / Math.SQRT2;
  const nk = Math.ceil(reach / step);
  const w = 2 * nk + 1;
  const d = pixsize / 2;
  const aligned = pixsize === 0 || Math.abs(((pixang % 90) + 90) % 90) < 1e-12;
  const outs = images.map(() => new Float64Array(nx * ny));
  if (aligned) {
    const tmp = new Float64Array(nx * ny);
    const taps = new Float64Array(w);
    for (let p = 0; p < psf.sigma.length; p++) {
      for (let m = -nk; m <= nk; m++) taps[m + nk] = boxedGaussian(m * step, psf.sigma[p], d) * step;
      for (let im = 0; im < images.length; im++) {
        const src = images[im];
        tmp.fill(0);
        for (let iy = 0; iy < ny; iy++) {
          const row = iy * nx;
          for (let ix = 0; ix < nx; ix++) {
            const lo = Math.max(-nk, -ix);
            const hi = Math.min(nk, nx - 1 - ix);
            let s = 0;
            for (let m = lo; m <= hi; m++) s += taps[m + nk] * src[row + ix + m];
            tmp[row + ix] = s;
          }
        }
        const dst = outs[im];
        const wp = psf.weight[p];
        for (let iy = 0; iy < ny; iy++) {
          const lo = Math.max(-nk, -iy);
          const hi = Math.min(nk, ny - 1 - iy);
          for (let ix = 0; ix < nx; ix++) {
            let s = 0;
            for (let m = lo; m <= hi; m++) s += taps[m + nk] * tmp[(iy + m) * nx + ix];
            dst[iy * nx + ix] += wp * s;
          }
        }
      }
    }
    return outs;
  }
  // Rotated pixels: the box is square in the pixel frame, the Gaussians are round, so each term
  // is separable in the rotated coordinates but not on the grid.
  const c = Math.cos((pixang * Math.PI) / 180);
  const sn = Math.sin((pixang * Math.PI) / 180);
  const kern = new Float64Array(w * w);
  for (let my = -nk; my <= nk; my++) {
    for (let mx = -nk; mx <= nk; mx++) {
      const xr = (mx * c + my * sn) * step;
      const yr = (-mx * sn + my * c) * step;
      let v = 0;
      for (let p = 0; p < psf.sigma.length; p++) {
        v += psf.weight[p] * boxedGaussian(xr, psf.sigma[p], d) * boxedGaussian(yr, psf.sigma[p], d);
      }
      kern[(my + nk) * w + (mx + nk)] = v * step * step;
    }
  }
  for (let im = 0; im < images.length; im++) {
    const src = images[im];
    const dst = outs[im];
    for (let iy = 0; iy < ny; iy++) {
      const myLo = Math.max(-nk, -iy);
      const myHi = Math.min(nk, ny - 1 - iy);
      for (let ix = 0; ix < nx; ix++) {
        const mxLo = Math.max(-nk, -ix);
        const mxHi = Math.min(nk, nx - 1 - ix);
        let s = 0;
        for (let my = myLo; my <= myHi; my++) {
          const krow = (my + nk) * w + nk;
          const srow = (iy + my) * nx + ix;
          for (let mx = mxLo; mx <= mxHi; mx++) s += kern[krow + mx] * src[srow + mx];
        }
        dst[iy * nx + ix] = s;
      }
    }
  }
  return outs;
}

/**
 * MGE surface density averaged over each grid cell (exact, by erf per Gaussian): unlike point
 * samples it keeps the light of Gaussians narrower than the cell, which near the nucleus of a
 * cuspy galaxy is otherwise lost between samples. Row-major, ny rows of nx.
 */
export function mgeCellAverage(
  mge: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> },
  grid: CartesianGrid,
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

/** Bilinear interpolation of a grid image at points (arcsec); outside the grid, the nearest edge. */
export function interpolateCartesian(
  img: Float64Array,
  grid: CartesianGrid,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): Float64Array {
  const { nx, ny, step, x0, y0 } = grid;
  const out = new Float64Array(x.length);
  for (let p = 0; p < x.length; p++) {
    const fx = Math.min(Math.max((x[p] - x0) / step, 0), nx - 1);
    const fy = Math.min(Math.max((y[p] - y0) / step, 0), ny - 1);
    const ix = Math.min(Math.floor(fx), nx - 2);
    const iy = Math.min(Math.floor(fy), ny - 2);
    const tx = fx - ix;
    const ty = fy - iy;
    const r0 = iy * nx + ix;
    const r1 = r0 + nx;
    out[p] = (1 - ty) * ((1 - tx) * img[r0] + tx * img[r0 + 1]) + ty * ((1 - tx) * img[r1] + tx * img[r1 + 1]);
  }
  return out;
}
