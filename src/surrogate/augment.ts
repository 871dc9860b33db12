/**
 * Degradations of a canonical image (log10 Sigma/I_e, src/photometry/canonical-image.ts) that
 * make the CNN robust to real photometry, applied in this order: a small rotation (position-angle
 * error) and shift (centring error) by bilinear resampling of the linear surface brightness; a
 * Gaussian PSF blur; a sky residual (a constant added to the linear surface brightness); pixel
 * noise (Gaussian, in dex). Each draw uses its own generator seeded with (seed, key), so an
 * epoch's augmentations do not depend on batching or on resuming.
 */
import { Rng } from '../../samplers/rng.ts';
import { applyWeights, bilinearAt, type Axis } from '../math/bilinear.ts';
import { gaussianBlur } from '../math/gaussian-blur.ts';

export interface Augment {
  /** Max |position-angle error|, deg (uniform). */
  paDeg: number;
  /** Max centring error per axis, pixels (uniform). */
  shiftPx: number;
  /** Max PSF Gaussian sigma, pixels (uniform in [0, max]). */
  psfPx: number;
  /** Max |sky residual| as a fraction of I_e (uniform, either sign). */
  sky: number;
  /** Max pixel noise sigma, dex (uniform in [0, max] per image). */
  noiseDex: number;
}

export const NO_AUGMENT: Augment = { paDeg: 0, shiftPx: 0, psfPx: 0, sky: 0, noiseDex: 0 };

export function isIdentity(a: Augment): boolean {
  return a.paDeg === 0 && a.shiftPx === 0 && a.psfPx === 0 && a.sky === 0 && a.noiseDex === 0;
}

/** Floor of the linear surface brightness (relative to I_e) before the log: keeps log10 finite where a negative sky or noise would cross zero. */
const SB_FLOOR = 1e-6;

/**
 * A degraded copy of `img` (side `n`). Fixed settings per draw (rather than random magnitudes)
 * are obtained by `degrade`; this draws them from `aug`'s ranges.
 */
export function augmentImage(img: Float32Array, n: number, aug: Augment, seed: number, key: number): Float32Array {
  const rng = new Rng(`jamfit-augment:${seed}:${key}`);
  const u = () => 2 * rng.uniform() - 1;
  return degrade(img, n, { paDeg: aug.paDeg * u(), shiftX: aug.shiftPx * u(), shiftY: aug.shiftPx * u(), psfPx: aug.psfPx * rng.uniform(), sky: aug.sky * u(), noiseDex: aug.noiseDex * rng.uniform() }, rng);
}

export interface Degradation {
  paDeg: number;
  shiftX: number;
  shiftY: number;
  psfPx: number;
  sky: number;
  noiseDex: number;
}

/** Applies one fixed degradation (noise drawn from `rng`). */
export function degrade(img: Float32Array, n: number, d: Degradation, rng: Rng): Float32Array {
  let lin: Float64Array = Float64Array.from(img, (v) => 10 ** v);
  if (d.paDeg !== 0 || d.shiftX !== 0 || d.shiftY !== 0) lin = resample(lin, n, (d.paDeg * Math.PI) / 180, d.shiftX, d.shiftY);
  if (d.psfPx > 0) lin = gaussianBlur(lin, n, n, d.psfPx, { reach: 3, edge: 'clamp' });
  const out = new Float32Array(n * n);
  for (let i = 0; i < lin.length; i++) {
    const v = Math.max(lin[i] + d.sky, SB_FLOOR);
    out[i] = Math.log10(v) + (d.noiseDex > 0 ? d.noiseDex * rng.normal() : 0);
  }
  return out;
}

/** Rotates by `ang` (rad) about the centre and shifts by (dx, dy) px, bilinear; edges clamp. */
function resample(a: Float64Array, n: number, ang: number, dx: number, dy: number): Float64Array {
  const c = Math.cos(ang);
  const s = Math.sin(ang);
  const m = (n - 1) / 2;
  const px: Axis = { n, start: 0, step: 1 };
  const w = { index: new Int32Array(4 * n * n), weight: new Float64Array(4 * n * n) };
  for (let iy = 0; iy < n; iy++) {
    for (let ix = 0; ix < n; ix++) {
      const x = ix - m - dx;
      const y = iy - m - dy;
      bilinearAt(px, px, -s * x + c * y + m, c * x + s * y + m, w.index, w.weight, 4 * (iy * n + ix));
    }
  }
  return applyWeights(w, a);
}

