/**
 * summary.json of a fit (the schema): per-parameter median and 68% / 95% central
 * intervals, derived quantities, the correlation matrix, diagnostics and the best chi^2.
 *
 * Conventions:
 *  - `names` are the reported names: beta_z, q_m (qm model), inc_deg, ml, and the sampled
 *    systematic term f_sys or sys_kms (likelihoods/systematics.ts). The chain (chain.npy) stores
 *    every log-uniform parameter as log10_<name> (log10_ml, log10_f_sys, log10_sys_kms); since
 *    quantiles commute with the monotonic 10^x, their medians and intervals are 10^(those of the
 *    column). `correlation` is that of the SAMPLED columns (log10 where a parameter scales
 *    multiplicatively), in `names` order.
 *  - `noise`, `ppc` (src/fit/ppc.ts) and `clipping` (src/fit/clip.ts) are filled in by the run.
 *  - With M/L profiled or marginalised, ml is not a parameter: `derived.ml` summarises the
 *    per-sample best (profile) or E[sqrt(M/L)]^2 (marginal) M/L carried in the blobs.
 *  - discard: ceil(3 max tau) steps when tau is estimable and below a third of the chain, else
 *    half the chain (a short chain: say so in `diagnostics.tau_reliable`); at least `minDiscard`
 *    (the burn-in before walkers were moved: src/fit/fit.ts reseatDiscard).
 *  - derived.ml_total: total dynamical mass over total light. In the qm model the mass MGE is the
 *    light's surf and sigma with q' -> q_M times M/L, so M_tot/L_tot = M/L q_M sum(I s^2) /
 *    sum(I s^2 q'): the combination the data constrain, while M/L and q_M separately trade off
 *    (the degeneracy). In the light model it equals M/L. derived.log10_mass_total_msun
 *    is log10 of M/L_tot times the total light (needs the distance). With a dark halo both are
 *    of the stars only (an NFW halo's total mass diverges); the halo is summarised by f_dm (its
 *    fraction of the mass inside the sphere of radius R_e, a parameter) and derived.rs_arcsec,
 *    rs_kpc (r_s = 10^log10_rs R_e, R_e the light's half-light semi-major axis).
 *    is log10 of M/L_tot times the total light (needs the distance).
 *  - geometry: the centre and PA the fit used, their errors and methods, the flux peak and the
 *    file's photometric PA (src/geometry/resolve-geometry.ts GeometryReport), passed through.
 */
import type { SelfCheck } from './self-check.ts';
import { autocorrTimeDetailed, ensembleToChains } from '../../samplers/diagnostics/index.ts';
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { rhatAndBulkEss } from '../../samplers/diagnostics/summary.ts';
import type { GeometryReport } from '../geometry/resolve-geometry.ts';
import { pcPerArcsec } from '../jam/constants.ts';
import type { PpcSummary } from './ppc.ts';
import { reportedName, toReported } from '../../likelihoods/parameters.ts';


export interface Interval {
  median: number;
  lo68: number;
  hi68: number;
  lo95: number;
  hi95: number;
}

export interface FitSummary {
  names: string[];
  /** Names of the chain's columns (chain.npy's last axis). */
  chain_columns: string[];
  discard: number;
  nsteps: number;
  nwalkers: number;
  parameters: Record<string, Interval>;
  derived: Record<string, Interval>;
  correlation: number[][];
  diagnostics: {
    tau: number[];
    tau_reliable: boolean;
    rhat: number[];
    ess: number[];
    acceptance: number;
    nan_count: number;
    converged: boolean | null;
    stop: string;
  };
  /** chi^2 of the highest-posterior sample after burn-in, over `nbins` bins. */
  chi2: number;
  nbins: number;
  chi2_per_bin: number;
  best: Record<string, number>;
  ml_mode: string;
  mass_model: string;
  /** The noise model: systematic term, residual distribution, error inflation, a one-line description. */
  noise?: { systematics: string; likelihood: string; nu: number | null; inflation: number; total_error: string };
  /** Posterior predictive check (src/fit/ppc.ts; ppc.json has it bin by bin). */
  ppc?: PpcSummary;
  /**
   * --moments v-sigma: the best model's V and sigma against the data (formal errors, the bins in
   * the likelihood): chi^2 of each moment and the number of values; kappa is in `parameters`.
   */
  moments_fit?: { moments: 'v-sigma'; kappa_range: [number, number]; chi2_v: number; chi2_sigma: number; nbins: number; rms_v_residual_kms: number; rms_sigma_residual_kms: number };
  /** The engine against the direct exact JAM at a few posterior draws (src/fit/self-check.ts). */
  self_check?: SelfCheck;
  /** The tabulated engine's table: nodes, exact evaluations, interpolation error bound. */
  table?: { nodes: number; evaluations: number; max_error: number; tolerance: number; components: number; groups: number };
  /** Outlier clipping, when asked (--clip): the rounds and the bins left out, by file row. */
  clipping?: {
    k: number;
    max_rounds: number;
    converged: boolean;
    rounds: { round: number; n_beyond: number; clipped_rows: number[]; restored_rows: number[]; chi2_total: number }[];
    clipped: { row: number; x: number; y: number; vrms: number; err: number; model_best: number; z: number }[];
  };
  /** Centre and PA used and how they were obtained (src/geometry/resolve-geometry.ts). */
  geometry?: GeometryReport;
}

export interface SummaryInput {
  chain: Float64Array;
  logProb: Float64Array;
  blobs: Float64Array;
  nsteps: number;
  nwalkers: number;
  columns: string[];
  massModel: 'qm' | 'light';
  mlMode: string;
  light: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> };
  distanceMpc: number;
  nbins: number;
  acceptance: number;
  nanCount: number;
  converged: boolean | null;
  stop: string;
  /** R_e in arcsec (the light's half-light semi-major axis): needed for the halo's r_s when log10_rs is a column. */
  reArcsec?: number;
  /** Passed through to summary.json as the `geometry` block. */
  geometry?: GeometryReport;
  /** Steps that must be discarded whatever tau says (walkers moved in burn-in: src/fit/fit.ts reseatDiscard); default 0. */
  minDiscard?: number;
}

/** Median and central 68% / 95% intervals (type-7 quantiles) of the samples, through `f`. */
export function interval(samples: ArrayLike<number>, f: (v: number) => number = (v) => v): Interval {
  return intervalOfSorted(Float64Array.from(samples).sort(), f);
}

/** {@link interval} of samples already sorted ascending. */
function intervalOfSorted(s: Float64Array, f: (v: number) => number = (v) => v): Interval {
  const q = (p: number) => f(quantile(s, p));
  return { median: q(0.5), lo68: q(0.15865525393145707), hi68: q(0.8413447460685429), lo95: q(0.025), hi95: q(0.975) };
}

/** Builds the summary (see the module header). Needs nsteps >= 8. */
export function summarizeFit(o: SummaryInput): FitSummary {
  const { nsteps, nwalkers, columns } = o;
  const ndim = columns.length;
  const ac = autocorrTimeDetailed(o.chain, { nsteps, nwalkers, ndim }, { quiet: true });
  const tauMax = Math.max(...ac.tau);
  const byTau = Number.isFinite(tauMax) && 3 * tauMax < nsteps / 3 ? Math.ceil(3 * tauMax) : Math.floor(nsteps / 2);
  const discard = Math.min(Math.max(byTau, o.minDiscard ?? 0), nsteps - 1);
  const kept = nsteps - discard;
  const row = nwalkers * ndim;
  const post = { data: o.chain.subarray(discard * row), nsteps: kept, nwalkers, ndim };
  const conv = ensembleToChains(post).map(rhatAndBulkEss);
  const n = kept * nwalkers;
  const col = (d: number) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = post.data[i * ndim + d];
    return a;
  };
  const cols = columns.map((_, d) => col(d));
  const nblobs = 2;
  const blob = (q: number) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = o.blobs[(discard * nwalkers + i) * nblobs + q];
    return a;
  };
  const names = columns.map(reportedName);
  const parameters: Record<string, Interval> = {};
  columns.forEach((c, d) => (parameters[names[d]] = c !== names[d] ? interval(cols[d], (v) => toReported(c, v)) : interval(cols[d])));

  // Correlation of the sampled columns.
  const mean = cols.map((a) => a.reduce((s, v) => s + v, 0) / n);
  const cov = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += (cols[i][k] - mean[i]) * (cols[j][k] - mean[j]);
    return s / (n - 1);
  };
  const sd = cols.map((_, i) => Math.sqrt(cov(i, i)));
  const correlation = cols.map((_, i) => cols.map((__, j) => (i === j ? 1 : cov(i, j) / (sd[i] * sd[j]))));

  // Derived quantities per sample.
  const mlSample = o.mlMode === 'sample' ? cols[columns.indexOf('log10_ml')].map((v) => toReported('log10_ml', v)) : blob(1);
  const { surf, sigma, qobs } = o.light;
  let is2 = 0;
  let is2q = 0;
  for (let k = 0; k < surf.length; k++) {
    is2 += surf[k] * sigma[k] ** 2;
    is2q += surf[k] * sigma[k] ** 2 * qobs[k];
  }
  const qmCol = columns.indexOf('q_m');
  const mlTot = new Float64Array(n);
  for (let i = 0; i < n; i++) mlTot[i] = o.massModel === 'qm' ? (mlSample[i] * cols[qmCol][i] * is2) / is2q : mlSample[i];
  const lTot = 2 * Math.PI * is2q * pcPerArcsec(o.distanceMpc) ** 2; // Lsun
  // Quantiles commute with the increasing map M/L -> log10 mass: one sort serves both.
  const sortedMlTot = mlTot.slice().sort();
  const derived: Record<string, Interval> = {
    ml_total: intervalOfSorted(sortedMlTot),
    log10_mass_total_msun: intervalOfSorted(sortedMlTot, (v) => Math.log10(v * lTot)),
  };
  if (o.mlMode !== 'sample') derived.ml = interval(mlSample);
  const rsCol = columns.indexOf('log10_rs');
  if (rsCol >= 0 && o.reArcsec !== undefined) {
    const re = o.reArcsec;
    // Quantiles commute with the monotonic map log10_rs -> r_s.
    derived.rs_arcsec = interval(cols[rsCol], (v) => 10 ** v * re);
    derived.rs_kpc = interval(cols[rsCol], (v) => (10 ** v * re * pcPerArcsec(o.distanceMpc)) / 1000);
  }

  // Best (highest posterior) sample after burn-in.
  let best = discard * nwalkers;
  for (let i = discard * nwalkers; i < nsteps * nwalkers; i++) if (o.logProb[i] > o.logProb[best]) best = i;
  const chi2 = o.blobs[best * nblobs];
  const bestParams: Record<string, number> = {};
  columns.forEach((c, d) => (bestParams[names[d]] = toReported(c, o.chain[best * ndim + d])));
  if (o.mlMode !== 'sample') bestParams.ml = o.blobs[best * nblobs + 1];

  return {
    names,
    chain_columns: columns,
    discard,
    nsteps,
    nwalkers,
    parameters,
    derived,
    correlation,
    diagnostics: {
      tau: Array.from(ac.tau),
      tau_reliable: ac.reliable,
      rhat: conv.map((c) => c.rhat),
      ess: conv.map((c) => c.essBulk),
      acceptance: o.acceptance,
      nan_count: o.nanCount,
      converged: o.converged,
      stop: o.stop,
    },
    chi2,
    nbins: o.nbins,
    chi2_per_bin: chi2 / o.nbins,
    best: bestParams,
    ml_mode: o.mlMode,
    mass_model: o.massModel,
    ...(o.geometry ? { geometry: o.geometry } : {}),
  };
}
