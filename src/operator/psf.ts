/**
 * The seeing + pixel kernel of the grid -> bins operator (Cappellari 2008, App. A, eqs A3, A6):
 * the PSF (a sum of round Gaussians) convolved with the square spatial pixel (side `pixsize`,
 * its axes rotated by `pixang` degrees counter-clockwise from the galaxy's projected major axis),
 * sampled on the cells of a Cartesian convolution grid of spacing `step`. Lengths in any one unit
 * (arcsec for the JAM).
 */
import { InputError } from '../../core/errors.ts';
import { erf } from '../math/erf.ts';

export interface Psf {
  /** Gaussian dispersions, each > 0 (arcsec for the JAM). */
  sigma: ArrayLike<number>;
  /**
   * Relative weights (fluxes: each Gaussian has unit integral times its weight), each >= 0, not
   * all 0. Normalised to sum 1; Gaussians of weight 0 are dropped, so their sigma affects
   * nothing (neither the default grid step nor the kernel reach).
   */
  weight: ArrayLike<number>;
}

export interface CheckedPsf {
  /** Dispersions of the Gaussians of positive weight. */
  sigma: Float64Array;
  /** Their weights, summing to 1. */
  weight: Float64Array;
}

/**
 * Validates a PSF (every sigma finite and > 0, every weight finite and >= 0, not all 0), drops
 * the zero-weight Gaussians and normalises the rest to unit total weight. Field paths in errors
 * start with `psf`.
 */
export function checkPsf(psf: Psf): CheckedPsf {
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
  if (!(total > 0)) throw new InputError('psf.weight', 'all weights are 0; give at least one positive weight');
  const keep = Array.from(sigma.keys()).filter((p) => weight[p] > 0);
  return { sigma: Float64Array.from(keep, (p) => sigma[p]), weight: Float64Array.from(keep, (p) => weight[p] / total) };
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

/**
 * Distance from a kernel's centre beyond which it is treated as 0: with a PSF 3 max(sigma) plus
 * the pixel's half-diagonal (eq. A6; the same truncation applies to Sigma V^2 and Sigma, so it
 * cancels to first order in their ratio); pixel only, the half-diagonal plus one grid cell (the
 * box's support, and the cells that straddle its edge).
 */
export function kernelReach(psf: CheckedPsf | null, pixsize: number, step: number): number {
  if (psf) return 3 * Math.max(...psf.sigma) + pixsize / Math.SQRT2;
  return pixsize / Math.SQRT2 + step;
}

/** A point-symmetric kernel on grid cells: value at cell offset (mx, my) is values[(my + nk) * (2nk+1) + mx + nk]. */
export interface CellKernel {
  nk: number;
  values: Float64Array;
}

/**
 * The PSF + pixel kernel on cells of side `step` (> 0), weights for a discrete convolution
 * (sum ~ 1; any common factor cancels in the ratio of the two convolutions):
 *  - with a PSF: the analytic PSF (x) box (boxedGaussian per axis in the pixel frame) sampled at
 *    cell centres times step^2 (smooth on the scale of step = min(sigma)/4 by default);
 *  - without a PSF (pixsize > 0): the exact fraction of each cell covered by the rotated pixel,
 *    divided by the pixel area over step^2 (point samples of a discontinuous box converge only as
 *    step; cell areas converge as step^2).
 * Rotation: a galaxy-frame offset (X, Y) has pixel-frame coordinates (X c + Y s, -X s + Y c),
 * c = cos(pixang), s = sin(pixang). Multiples of 90 deg (and no pixel) use c = 1, s = 0 exactly.
 */
export function cellKernel(psf: CheckedPsf | null, pixsize: number, pixang: number, step: number): CellKernel {
  if (!psf && !(pixsize > 0)) throw new RangeError('cellKernel: give a PSF or pixsize > 0');
  const nk = Math.ceil(kernelReach(psf, pixsize, step) / step);
  const w = 2 * nk + 1;
  const d = pixsize / 2;
  const aligned = pixsize === 0 || Math.abs(((pixang % 90) + 90) % 90) < 1e-12;
  const c = aligned ? 1 : Math.cos((pixang * Math.PI) / 180);
  const sn = aligned ? 0 : Math.sin((pixang * Math.PI) / 180);
  const values = new Float64Array(w * w);
  for (let my = -nk; my <= nk; my++) {
    for (let mx = -nk; mx <= nk; mx++) {
      let v = 0;
      if (psf) {
        const xr = (mx * c + my * sn) * step;
        const yr = (-mx * sn + my * c) * step;
        for (let p = 0; p < psf.sigma.length; p++) {
          v += psf.weight[p] * boxedGaussian(xr, psf.sigma[p], d) * boxedGaussian(yr, psf.sigma[p], d);
        }
        v *= step * step;
      } else {
        v = cellInSquare(mx * step, my * step, step / 2, d, c, sn) / (pixsize * pixsize);
      }
      values[(my + nk) * w + (mx + nk)] = v;
    }
  }
  return { nk, values };
}

/**
 * Area of the intersection of the axis-aligned cell [cx -+ h] x [cy -+ h] with the square
 * |X c + Y s| <= d, |-X s + Y c| <= d (Sutherland-Hodgman clipping, then the shoelace formula).
 */
export function cellInSquare(cx: number, cy: number, h: number, d: number, c: number, s: number): number {
  let poly: number[][] = [
    [cx - h, cy - h],
    [cx + h, cy - h],
    [cx + h, cy + h],
    [cx - h, cy + h],
  ];
  // The four half-planes n . (X, Y) <= d.
  for (const [nx, ny] of [[c, s], [-c, -s], [-s, c], [s, -c]]) {
    const next: number[][] = [];
    for (let k = 0; k < poly.length; k++) {
      const P = poly[k];
      const Q = poly[(k + 1) % poly.length];
      const fP = nx * P[0] + ny * P[1] - d;
      const fQ = nx * Q[0] + ny * Q[1] - d;
      if (fP <= 0) next.push(P);
      if ((fP < 0 && fQ > 0) || (fP > 0 && fQ < 0)) {
        const t = fP / (fP - fQ);
        next.push([P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])]);
      }
    }
    poly = next;
    if (poly.length < 3) return 0;
  }
  let a = 0;
  for (let k = 0; k < poly.length; k++) {
    const P = poly[k];
    const Q = poly[(k + 1) % poly.length];
    a += P[0] * Q[1] - Q[0] * P[1];
  }
  return Math.abs(a) / 2;
}
