/**
 * The photometric centre of the kinematics table: the peak of the bins' surface brightness.
 *
 * Surface brightness of a bin = flux / area, the area being its pixel count times the pixel area
 * when the table lists the bins' pixels, else its spacing squared (distance to the nearest other
 * bin; right for a grid of spaxels, approximate for Voronoi bins, whose small bins are the bright
 * central ones anyway). The peak bin is refined by the centroid of the bins within 1.5 spacings
 * of it (its 3 x 3 neighbourhood on a grid) weighted by their brightness minus the faintest of
 * them, the usual centroid of a peak: without that subtraction the window's own centre would pull
 * the estimate.
 *
 * Uncertainty: the table's fluxes carry no errors, so no noise propagation is possible; `err` is
 * the quantisation of a position known to within one bin, s / sqrt(12) (the standard deviation of
 * a uniform distribution over a bin of side s), per axis. Say so where it is reported.
 */
import { InputError } from '../../core/errors.ts';
import { binIndex } from './neighbours.ts';

export interface FluxPeakInput {
  /** Bin centres in input coordinates, arcsec. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Bin fluxes (any units, >= 0). */
  readonly flux: ArrayLike<number>;
  readonly good?: ArrayLike<number>;
  /** Pixels per bin and the pixel side (arcsec), when known. */
  readonly npix?: ArrayLike<number>;
  readonly pixsize?: number;
}

export interface FluxPeakResult {
  /** Peak position, input coordinates, arcsec. */
  readonly centre: [number, number];
  /** s / sqrt(12) per axis, arcsec (see the module comment). */
  readonly err: [number, number];
  /** Index (into the input arrays) of the brightest bin. */
  readonly peakBin: number;
}

/** Flux peak (module comment). Throws InputError for fewer than 5 good bins or no positive flux. */
export function fluxPeak(p: FluxPeakInput): FluxPeakResult {
  const keep: number[] = [];
  for (let i = 0; i < p.x.length; i++) if ((!p.good || p.good[i]) && Number.isFinite(p.flux[i])) keep.push(i);
  const ix = binIndex(keep.map((i) => p.x[i]), keep.map((i) => p.y[i]), 'flux map');
  const sb = keep.map((i, k) => {
    const area = p.npix && p.pixsize ? p.npix[i] * p.pixsize ** 2 : ix.spacing[k] ** 2;
    return p.flux[i] / area;
  });
  let kmax = 0;
  for (let k = 1; k < sb.length; k++) if (sb[k] > sb[kmax]) kmax = k;
  if (!(sb[kmax] > 0)) throw new InputError('flux', 'no bin has a positive flux; the flux peak is undefined');
  const s = ix.spacing[kmax];
  const win: number[] = [];
  for (let k = 0; k < sb.length; k++) if (Math.hypot(ix.x[k] - ix.x[kmax], ix.y[k] - ix.y[kmax]) <= 1.5 * s) win.push(k);
  const floor = Math.min(...win.map((k) => sb[k]));
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const k of win) {
    const w = sb[k] - floor;
    sw += w;
    sx += w * ix.x[k];
    sy += w * ix.y[k];
  }
  const e = s / Math.sqrt(12);
  const centre: [number, number] = sw > 0 ? [sx / sw, sy / sw] : [ix.x[kmax], ix.y[kmax]]; // a flat window: the bin itself
  return { centre, err: [e, e], peakBin: keep[kmax] };
}
