/**
 * The calibration report of `jamfit validate` (report.json) from the per-mock records: per
 * parameter, the coverage of the fits' 68% and 95% intervals (src/validate/coverage.ts), the rank
 * histogram with its tests (sbc.ts), the coverage curve from the ranks, the RMS error of the
 * posterior medians next to the prior sd (accuracy.ts); the joint TARP curve (tarp.ts); and the
 * issue's target: coverage within 3 binomial sd of nominal and ranks consistent with uniform
 * (chi^2 and KS p > 0.01) for every parameter, over at least 400 mocks.
 *
 * Parameters are the records' columns (they depend on the mass model: beta_z, q_m, inc_deg,
 * log10_ml for qm, no q_m for light), named as in summary.json (ml, not log10_ml); ranks, PITs
 * and TARP do not change under the monotone log10, and the RMS error of M/L is in log10 M/L
 * (dex), the space the sampler and the prior (log-uniform) use, where an error means the same at
 * every M/L; so is the systematic shift of the medians (mean and median of median - truth, also
 * in posterior sd), which `--mock-align` makes the measure of an alignment mismatch.
 */
import { InputError } from '../../core/errors.ts';
import { reportedName } from '../../likelihoods/parameters.ts';
import { rmsError, systematicShift, type Shift } from './accuracy.ts';
import { coverageCurve, intervalCoverage, type Coverage } from './coverage.ts';
import type { CalibrationRecord } from './record.ts';
import { defaultRankBins, rankHistogram, type RankHistogram } from './sbc.ts';
import { tarpCurve, type TarpCurve } from './tarp.ts';

/** The 68% of a +-1 sd normal interval (the fit's lo68/hi68 are its 15.87% / 84.13% quantiles). */
export const NOMINAL_68 = 0.6826894921370859;
/** Credibility levels of the coverage curve: 0, 0.02, ..., 1. */
const LEVELS = Array.from({ length: 51 }, (_, i) => i / 50);
/** The target's minimum number of mocks (the "over >= 400 mocks"). */
export const TARGET_N = 400;

export interface ParameterCalibration {
  coverage68: Coverage;
  coverage95: Coverage;
  sbc: RankHistogram;
  /** Coverage of central intervals at `levels` from the ranks (the diagonal when calibrated). */
  coverage_curve: number[];
  rms_error: number;
  prior_sd: number;
  /** rms_error / prior_sd: 1 = the data taught nothing. */
  rms_over_prior_sd: number;
  /**
   * The shift of the posterior medians from the truths (accuracy.ts systematicShift), in `units`
   * and in units of each mock's posterior sd, taken as half its central 68% interval (in the
   * sampled column: log10 for M/L, where the interval's ends map one to one).
   */
  shift: Shift;
  /** Units of rms_error, prior_sd and shift. */
  units: string;
  target: { coverage68_within_3sd: boolean; coverage95_within_3sd: boolean; ranks_uniform: boolean };
}

export interface CalibrationReport {
  n: number;
  engines: string[];
  /**
   * The velocity-ellipsoid alignments (cyl: Cappellari 2008; sph: Cappellari 2020) the mocks were
   * made with and the fits used, over the records; they differ with `--mock-align`, and then the
   * shifts are the systematic error of fitting the other alignment.
   */
  alignments: { mocks: string[]; fits: string[] };
  parameters: string[];
  levels: number[];
  calibration: Record<string, ParameterCalibration>;
  tarp: TarpCurve;
  diagnostics: { not_converged: number; draws_not_independent: number; ess_min: number; median_chi2_per_bin: number };
  target: { n_at_least: number; met: boolean; failing: string[] };
}

/**
 * Aggregates the records (one per mock, any order; at least 1) with the prior sd of each sampled
 * column (src/validate/draw.ts priorSd) and the rank-histogram bins (default: defaultRankBins).
 */
export function calibrationReport(records: readonly CalibrationRecord[], priorSd: readonly number[], rankBins?: number): CalibrationReport {
  const n = records.length;
  if (n === 0) throw new InputError('mocks', 'none finished; a report needs at least one');
  const columns = records[0].columns;
  const L = records[0].draws;
  for (const r of records) {
    if (JSON.stringify(r.columns) !== JSON.stringify(columns) || r.draws !== L) throw new InputError(`mock ${r.k}`, `has columns ${r.columns} and ${r.draws} draws, not ${columns} and ${L}; remove its folder and run again`);
  }
  const names = columns.map(reportedName);
  const bins = rankBins ?? defaultRankBins(L, n);
  const calibration: Record<string, ParameterCalibration> = {};
  const failing: string[] = [];
  names.forEach((name, d) => {
    const truth = records.map((r) => r.truth_parameters[name]);
    const iv = records.map((r) => r.intervals[name]);
    const c68 = intervalCoverage(truth, iv.map((v) => v.lo68), iv.map((v) => v.hi68), NOMINAL_68);
    const c95 = intervalCoverage(truth, iv.map((v) => v.lo95), iv.map((v) => v.hi95), 0.95);
    const pits = records.map((r) => r.pits[d]);
    const sbc = rankHistogram(records.map((r) => r.ranks[d]), pits, L, bins);
    const rms = rmsError(records.map((r) => r.truth[d]), records.map((r) => r.median[d]));
    const col = (v: number) => (name === 'ml' ? Math.log10(v) : v);
    const shift = systematicShift(records.map((r) => r.truth[d]), records.map((r) => r.median[d]), iv.map((v) => (col(v.hi68) - col(v.lo68)) / 2));
    const target = { coverage68_within_3sd: Math.abs(c68.z) <= 3, coverage95_within_3sd: Math.abs(c95.z) <= 3, ranks_uniform: sbc.p_chi2 > 0.01 && sbc.p_ks > 0.01 };
    for (const [k, ok] of Object.entries(target)) if (!ok) failing.push(`${name}: ${k}`);
    calibration[name] = {
      coverage68: c68,
      coverage95: c95,
      sbc,
      coverage_curve: coverageCurve(pits, LEVELS),
      rms_error: rms,
      prior_sd: priorSd[d],
      rms_over_prior_sd: rms / priorSd[d],
      shift,
      units: name === 'ml' ? 'dex (log10 M/L)' : name === 'inc_deg' ? 'deg' : '1',
      target,
    };
  });
  if (n < TARGET_N) failing.push(`n = ${n} < ${TARGET_N} mocks`);
  const chi2pb = records.map((r) => r.chi2 / r.nbins).sort((a, b) => a - b);
  return {
    n,
    engines: [...new Set(records.map((r) => r.engine))],
    // Records from before the alignment was recorded are cylindrical: the only model then.
    alignments: { mocks: [...new Set(records.map((r) => r.mock_align ?? 'cyl'))], fits: [...new Set(records.map((r) => r.align ?? 'cyl'))] },
    parameters: names,
    levels: LEVELS,
    calibration,
    tarp: tarpCurve(records.map((r) => r.tarp.f)),
    diagnostics: {
      not_converged: records.filter((r) => r.converged === false).length,
      draws_not_independent: records.filter((r) => !r.draws_independent).length,
      ess_min: Math.min(...records.map((r) => r.ess_min)),
      median_chi2_per_bin: chi2pb[chi2pb.length >> 1],
    },
    target: { n_at_least: TARGET_N, met: failing.length === 0, failing },
  };
}
