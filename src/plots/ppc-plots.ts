/**
 * The posterior predictive check's pictures (src/fit/ppc.ts numbers in, SVG strings out):
 *  - `ppcResidualMapSvg`: the residual (data - model) / sigma_total of the best model, on the
 *    diverging scale [-3, 3] (saturated = a 3-sigma miss), and chi^2 per bin on [0, 9]; bins
 *    clipped out of the fit are drawn grey;
 *  - `ppcAxesSvg`: data against model along the major and minor axes (src/plots/axis-profile.ts)
 *    with the model's posterior band; the error bars are the total errors (formal and systematic),
 *    the ones the likelihood used. The slit is 1.5 x the median nearest-neighbour spacing of the
 *    bins (full width), so a regular grid of spaxels contributes one row per axis.
 * A fit of V and sigma (`--moments v-sigma`) is checked per moment: `ppcMomentsResidualMapSvg`
 * maps the residual in total errors and chi^2 per bin of V and of sigma side by side, and
 * `ppcAxesSvg` draws each moment's profiles (`label`).
 */
import { axisProfileSvg } from './axis-profile.ts';
import { binMapsSvg } from './bin-map.ts';
import { nearestNeighbourDistance } from './geometry.ts';
import type { Mge } from '../photometry/mge.ts';

export interface PpcPlotBins {
  /** Modelled bins, galaxy frame (arcsec). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  data: ArrayLike<number>;
  sigmaTotal: ArrayLike<number>;
  z: ArrayLike<number>;
  /** 1 = in the likelihood, 0 = clipped. */
  inFit: ArrayLike<number>;
  /** Model per bin for each posterior draw. */
  draws: readonly ArrayLike<number>[];
}

/** Residual and chi^2 maps (see the module header). */
export function ppcResidualMapSvg(b: PpcPlotBins, opts: { mge?: Mge; title?: string } = {}): string {
  const chi2 = Float64Array.from(b.z, (v) => v * v);
  return binMapsSvg(
    b,
    [
      { title: 'residual', values: b.z, label: '(d - m) / sigma_tot', cmap: 'diverging', range: [-3, 3] },
      { title: 'chi2 per bin', values: chi2, label: 'z^2', cmap: 'sequential', range: [0, 9] },
    ],
    { mge: opts.mge, title: opts.title, good: b.inFit },
  );
}

/** Residual and chi^2 maps of V and of sigma (a v-sigma fit), four panels on the scales of ppcResidualMapSvg. */
export function ppcMomentsResidualMapSvg(v: PpcPlotBins, sigma: PpcPlotBins, opts: { mge?: Mge; title?: string } = {}): string {
  const sq = (z: ArrayLike<number>) => Float64Array.from(z, (t) => t * t);
  return binMapsSvg(
    v,
    [
      { title: 'V residual', values: v.z, label: '(d - m) / sigma_tot', cmap: 'diverging', range: [-3, 3] },
      { title: 'V chi2 per bin', values: sq(v.z), label: 'z^2', cmap: 'sequential', range: [0, 9] },
      { title: 'sigma residual', values: sigma.z, label: '(d - m) / sigma_tot', cmap: 'diverging', range: [-3, 3] },
      { title: 'sigma chi2 per bin', values: sq(sigma.z), label: 'z^2', cmap: 'sequential', range: [0, 9] },
    ],
    { mge: opts.mge, title: opts.title, good: v.inFit },
  );
}

/** Full slit width for the axis profiles: 1.5 x the median nearest-neighbour spacing (arcsec). */
export function ppcSlitWidth(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const d = Array.from(nearestNeighbourDistance(x, y)).filter(Number.isFinite).sort((a, b) => a - b);
  // Two significant digits: the width is printed in the panel titles.
  return d.length ? Number((1.5 * d[d.length >> 1]).toPrecision(2)) : 1;
}

/** Major/minor-axis profiles of data (total errors) and the posterior model band; `quantity` names the moment (default V_rms). */
export function ppcAxesSvg(b: PpcPlotBins, opts: { title?: string; quantity?: string } = {}): string {
  return axisProfileSvg(
    { x: b.x, y: b.y, data: b.data, err: b.sigmaTotal, models: b.draws, slitWidth: ppcSlitWidth(b.x, b.y), good: b.inFit },
    { title: opts.title, label: `${opts.quantity ?? 'V_rms'} (km/s); error bars: total error` },
  );
}
