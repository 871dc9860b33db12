/** V_rms by direct evaluation of eq. 28 at every sky point (no PSF). */
import { losSecondMoment, prepareLosKernel, type LosKernel } from './los-moment.ts';
import { mgeSurfaceDensity } from '../photometry/mge.ts';
import type { PreparedModel } from './model.ts';

export interface DirectOptions {
  /** Gauss-Legendre nodes in u (default 48: ~1e-7 relative accuracy on the reference cases). */
  nodes?: number;
}

/**
 * Kernel coefficients for a prepared model, accurate out to sky radius `rMax` (arcsec); cache it
 * when evaluating the same model repeatedly.
 */
export function kernelFor(model: PreparedModel, rMax: number, opts: DirectOptions = {}): LosKernel {
  return prepareLosKernel(model.lumDeproj, model.potDeproj, model.b, model.incDeg, opts.nodes ?? 48, rMax * model.pcPerArcsec);
}

/** Largest |(x, y)| in arcsec. */
export function maxRadius(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let r = 0;
  for (let i = 0; i < x.length; i++) r = Math.max(r, Math.hypot(x[i], y[i]));
  return r;
}

/**
 * V_rms^2 in (km/s)^2 at sky points x, y (arcsec; x on the projected major axis), M/L applied.
 * Where the tracer surface density underflows to 0 the value is 0.
 */
export function vrms2Direct(
  model: PreparedModel,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: DirectOptions = {},
  kernel: LosKernel = kernelFor(model, maxRadius(x, y), opts),
): Float64Array {
  const n = x.length;
  const s = model.pcPerArcsec;
  const xPc = new Float64Array(n);
  const yPc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xPc[i] = x[i] * s;
    yPc[i] = y[i] * s;
  }
  const out = losSecondMoment(kernel, xPc, yPc);
  const sb = mgeSurfaceDensity(model.lum, x, y);
  for (let i = 0; i < n; i++) out[i] = sb[i] > 0 ? (model.ml * out[i]) / sb[i] : 0;
  return out;
}
