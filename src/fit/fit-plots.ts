/**
 * The fit's pictures, the one call the run folder makes to render them: the corner plot of the
 * post-burn-in samples (src/plots/corner.ts; M/L shown linearly, sampled as log10) and the data /
 * model / residual V_rms maps of the used bins with the light's isophotes (src/plots/bin-map.ts),
 * and, when the data have V and sigma, their maps beside V_rms (velocity.*), each as SVG and
 * PNG, written atomically; with the posterior predictive check (src/fit/ppc.ts)
 * its residual map in total errors (ppc_residuals) and the major/minor-axis profiles with the
 * posterior band (ppc_axes), src/plots/ppc-plots.ts; a v-sigma fit's check is that of V and sigma:
 * their residual and chi^2 maps (ppc_residuals) and one axis figure per moment (ppc_axes_v,
 * ppc_axes_sigma), its numbers also in the title of the V and sigma maps (v_sigma_fit).
 * Pure rendering plus file writes.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import type { Mge } from '../photometry/mge.ts';
import { cornerSvg } from '../plots/corner.ts';
import { momentsFitMapsSvg, velocityMapsSvg, vrmsMapsSvg } from '../plots/bin-map.ts';
import { svgToPng } from '../plots/png.ts';
import { ppcAxesSvg, ppcMomentsResidualMapSvg, ppcResidualMapSvg, type PpcPlotBins } from '../plots/ppc-plots.ts';
import type { FitSummary } from './fit-summary.ts';
import { parameterLabel, reportedName } from '../../likelihoods/parameters.ts';
import type { PpcBin, PpcResult } from './ppc.ts';

export interface FitPlotInput {
  runDir: string;
  summary: FitSummary;
  /** Post-burn-in samples, flat (n x ndim, sampled columns) with their column names. */
  samples: Float64Array;
  columns: string[];
  /** Truth for a mock, by reported name (beta_z, q_m, inc_deg, ml), when known. */
  truth?: Record<string, number>;
  /** Used bins in the galaxy frame (arcsec), data, errors and the best model V_rms (km/s). */
  bins: { x: Float64Array; y: Float64Array; vrms: Float64Array; err: Float64Array; model: Float64Array };
  /** V (systemic removed) and sigma of the same bins, km/s, when the data have them: velocity.{svg,png}. */
  moments?: { v: Float64Array; sigma: Float64Array };
  /** --moments v-sigma: the data's errors and the best model's V and sigma: v_sigma_fit.{svg,png}. */
  momentsFit?: { vErr: Float64Array; sigmaErr: Float64Array; vModel: Float64Array; sigmaModel: Float64Array };
  /** Light MGE for the isophotes. */
  light: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> };
  /** A title (e.g. the data file); default none. */
  title?: string;
  /** The posterior predictive check (bins in the same order as `bins`); omitted: no PPC plots. */
  ppc?: PpcResult;
}

export interface FitPlotResult {
  files: string[];
  note: string | null;
}


/** Writes corner.{svg,png}, maps.{svg,png} and, with V and sigma, velocity.{svg,png} into runDir; returns the files written. */
export function renderFitPlots(input: FitPlotInput): FitPlotResult {
  const { runDir, samples, columns } = input;
  const ndim = columns.length;
  const n = Math.floor(samples.length / ndim);
  const files: string[] = [];
  const write = (name: string, svg: string) => {
    writeFileAtomic(join(runDir, `${name}.svg`), svg);
    writeFileAtomic(join(runDir, `${name}.png`), svgToPng(svg));
    files.push(`${name}.svg`, `${name}.png`);
  };
  if (n >= 2) {
    // M/L and the systematic term are sampled as log10; users read the values.
    const shown = Float64Array.from(samples.subarray(0, n * ndim));
    const names = columns.map(reportedName);
    columns.forEach((c, k) => {
      if (c !== names[k]) for (let s = 0; s < n; s++) shown[s * ndim + k] = 10 ** shown[s * ndim + k];
    });
    const truths = names.map((c) => input.truth?.[c] ?? null);
    write('corner', cornerSvg({ samples: shown, ndim, names, labels: names.map(parameterLabel), truths }, { title: input.title }));
  }
  const b = input.bins;
  const light: Mge = { surf: Float64Array.from(input.light.surf), sigma: Float64Array.from(input.light.sigma), qobs: Float64Array.from(input.light.qobs) };
  const title = input.title ? `${input.title}: V_rms data, best model, residual` : 'V_rms: data, best model, residual';
  write('maps', vrmsMapsSvg({ x: b.x, y: b.y, vrms: b.vrms, vrmsErr: b.err }, b.model, { mge: light, title }));
  const pre = input.title ? `${input.title}: ` : '';
  const plotBins = (pb: readonly PpcBin[], draws: Float64Array[]): PpcPlotBins => ({ x: b.x, y: b.y, data: pb.map((v) => v.data), sigmaTotal: pb.map((v) => v.sigma_total), z: pb.map((v) => v.z), inFit: pb.map((v) => (v.in_fit ? 1 : 0)), draws });
  const pm = input.ppc?.moments;
  if (input.ppc && pm) {
    const s = input.ppc.summary;
    const one = (name: string, m: typeof pm.v) => `${name} chi2 ${m.summary.chi2_total.toFixed(1)} (p ${m.summary.p_value.toFixed(2)})`;
    const head = `${pre}${one('V', pm.v)}, ${one('sigma', pm.sigma)} over ${s.nbins} bins; ${s.beyond_3sigma.count} of ${2 * s.nbins} values beyond 3 sigma`;
    write('ppc_residuals', ppcMomentsResidualMapSvg(plotBins(pm.v.bins, pm.v.draws), plotBins(pm.sigma.bins, pm.sigma.draws), { mge: light, title: head }));
    write('ppc_axes_v', ppcAxesSvg(plotBins(pm.v.bins, pm.v.draws), { title: `${pre}V: data vs model, ${s.ndraws} posterior draws`, quantity: 'V' }));
    write('ppc_axes_sigma', ppcAxesSvg(plotBins(pm.sigma.bins, pm.sigma.draws), { title: `${pre}sigma: data vs model, ${s.ndraws} posterior draws`, quantity: 'sigma' }));
  } else if (input.ppc) {
    const pp = plotBins(input.ppc.bins, input.ppc.draws);
    const s = input.ppc.summary;
    const head = `${pre}chi2_total ${s.chi2_total.toFixed(1)} / ${s.dof} dof, ${s.beyond_3sigma.count} of ${s.nbins} bins beyond 3 sigma`;
    write('ppc_residuals', ppcResidualMapSvg(pp, { mge: light, title: head }));
    write('ppc_axes', ppcAxesSvg(pp, { title: `${pre}data vs model, ${s.ndraws} posterior draws` }));
  }
  if (input.moments) {
    const vt = input.title ? `${input.title}: V, sigma, V_rms (data)` : 'V, sigma, V_rms (data)';
    write('velocity', velocityMapsSvg({ x: b.x, y: b.y, v: input.moments.v, sigma: input.moments.sigma, vrms: b.vrms }, { mge: light, title: vt }));
  }
  if (input.moments && input.momentsFit) {
    const f = input.momentsFit;
    const ps = pm ? `; PPC p-value V ${pm.v.summary.p_value.toFixed(2)}, sigma ${pm.sigma.summary.p_value.toFixed(2)}` : '';
    const t = `${pre}V and sigma: data, best model, residual${ps}`;
    write('v_sigma_fit', momentsFitMapsSvg({ x: b.x, y: b.y, v: input.moments.v, vErr: f.vErr, sigma: input.moments.sigma, sigmaErr: f.sigmaErr }, { v: f.vModel, sigma: f.sigmaModel }, { mge: light, title: t }));
  }
  return { files, note: n >= 2 ? null : 'corner plot not drawn: fewer than 2 samples after burn-in' };
}
