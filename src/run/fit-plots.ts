/**
 * The fit's pictures: the one call the run folder makes to render them. The corner plot
 * (src/plots/corner.ts) and the data / model / residual bin maps (src/plots/bin-map.ts) are being
 * written in another branch; until they are merged this renders NOTHING and says so in the log
 * (it is not a stub that claims to be done). Everything they need is passed here, so wiring them
 * is a change to this file only.
 */
import type { FitSummary } from './fit-summary.ts';

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
  /** Light MGE for the isophotes. */
  light: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> };
}

export interface FitPlotResult {
  files: string[];
  note: string | null;
}

/** Renders the corner plot and bin maps into runDir; see the module header for the current state. */
export function renderFitPlots(input: FitPlotInput): FitPlotResult {
  void input;
  return { files: [], note: 'plots not rendered: the corner plot and bin maps (src/plots/corner.ts, bin-map.ts) are not merged yet; bins_model.json holds the data for the maps' };
}
