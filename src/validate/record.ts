/**
 * One validation mock's calibration record (DIR/mocks/<k>/calibration.json), computed from its
 * finished run folder: the truth, the fit's intervals, the SBC ranks of the truth among L thinned
 * posterior draws, and the TARP credibility against a random reference point. Everything random
 * here (tie-breaks, the PIT jitter, the reference point) comes from Rng(`jamfit-validate-stats:
 * seed:k`), so the record depends only on --seed, k and the chain.
 *
 * Thinning (Talts et al. 2018, sec. 5.1: correlated draws make the rank histogram U-shaped): the L
 * draws are spread evenly over the chain after the summary's burn-in, draw j at step
 * discard + floor((j + 1/2) kept / L) and walker j mod nwalkers, i.e. kept x nwalkers / L samples
 * apart. That spacing gives independent draws when the effective sample size (summary.json's
 * diagnostics.ess, samplers/diagnostics) is at least L; `draws_independent` records whether it is,
 * and the report counts the mocks where it is not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { readNpy } from '../../samplers/backends/npy.ts';
import { Rng } from '../../samplers/rng.ts';
import type { FitSummary, Interval } from '../fit/fit-summary.ts';
import type { MockTruthFile } from '../run/mock.ts';
import type { MockDraw } from './draw.ts';
import { rankAmong } from './sbc.ts';
import { referencePoint, tarpCredibility } from './tarp.ts';

export interface CalibrationRecord {
  format: 'jamfit-validate-mock';
  version: 1;
  k: number;
  seed: number;
  /** The fit's likelihood engine (its config.json). */
  engine: string;
  /**
   * The velocity-ellipsoid alignment of the fit (its config.json) and of the mock (its
   * truth.json); absent in records written before they were recorded, which were 'cyl'.
   */
  align?: 'cyl' | 'sph';
  mock_align?: 'cyl' | 'sph';
  mock_seed: number;
  fit_seed: number;
  /** The light: the Sérsic parameters, or the family parameters of a multi-component mock. */
  sersic?: MockDraw['sersic'];
  family?: MockDraw['family'];
  /** Sampled columns (chain.npy's last axis) and the truth in them (log10 M/L). */
  columns: string[];
  truth: number[];
  /** The truth in summary.json's names (ml, not log10_ml), as truth.json states it. */
  truth_parameters: Record<string, number>;
  /** summary.json's median and 68% / 95% intervals per reported name. */
  intervals: Record<string, Interval>;
  /** Posterior medians in the sampled columns (log10 of ml's median). */
  median: number[];
  /** L and the truth's rank (0..L) and randomised PIT among the thinned draws, per column. */
  draws: number;
  ranks: number[];
  pits: number[];
  tarp: { reference: number[]; rank: number; f: number };
  ess_min: number;
  draws_independent: boolean;
  converged: boolean | null;
  chi2: number;
  nbins: number;
  nsteps: number;
  discard: number;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new InputError(path, `cannot be read as JSON (${(e as Error).message}); remove this mock's folder and run jamfit validate again`);
  }
}

/**
 * L draws (row-major L x ndim) from a chain (steps x walkers x ndim, flat) after `discard` steps,
 * spread as in the module header. Needs discard < nsteps and L >= 1.
 */
export function thinnedDraws(chain: ArrayLike<number>, nsteps: number, nwalkers: number, ndim: number, discard: number, L: number): Float64Array {
  const kept = nsteps - discard;
  if (!(kept >= 1 && L >= 1)) throw new InputError('chain', `keeps ${kept} steps after burn-in for ${L} draws; run longer chains`);
  const out = new Float64Array(L * ndim);
  for (let j = 0; j < L; j++) {
    const s = discard + Math.floor(((j + 0.5) * kept) / L);
    const w = j % nwalkers;
    const off = (s * nwalkers + w) * ndim;
    for (let d = 0; d < ndim; d++) out[j * ndim + d] = chain[off + d];
  }
  return out;
}

/** Builds mock k's record from its truth (draw), its mock folder and its finished run folder. */
export function calibrationRecord(draw: MockDraw, seed: number, mockDir: string, runDir: string, L: number): CalibrationRecord {
  const summary = readJson<FitSummary>(join(runDir, 'summary.json'));
  const config = readJson<{ engine: string; align?: 'cyl' | 'sph' }>(join(runDir, 'config.json'));
  const truthFile = readJson<MockTruthFile>(join(mockDir, 'truth.json'));
  const columns = summary.chain_columns;
  // The calibrated parameters (the draw's columns, which depend on the mass model) come first;
  // nuisance columns after them (the default fit's log10_f_sys, whose truth is 0 in these mocks)
  // are sampled but not calibrated.
  const nd = draw.columns.length;
  if (JSON.stringify(columns.slice(0, nd)) !== JSON.stringify(draw.columns)) throw new InputError(join(runDir, 'summary.json'), `has columns ${columns.join(', ')}, not ${draw.columns.join(', ')} first; remove this mock's folder and run again`);
  const ndimChain = columns.length;
  const ndim = nd;
  const { nsteps, nwalkers, discard } = summary;
  const chain = readNpy(join(runDir, 'chain.npy'), nsteps).data;
  const all = thinnedDraws(chain, nsteps, nwalkers, ndimChain, discard, L);
  const draws = new Float64Array(L * nd);
  for (let j = 0; j < L; j++) for (let d = 0; d < nd; d++) draws[j * nd + d] = all[j * ndimChain + d];
  const rng = new Rng(`jamfit-validate-stats:${seed}:${draw.k}`);
  const ranks: number[] = [];
  const pits: number[] = [];
  for (let d = 0; d < ndim; d++) {
    const col = new Float64Array(L);
    for (let j = 0; j < L; j++) col[j] = draws[j * ndim + d];
    const r = rankAmong(draw.truth[d], col, rng);
    ranks.push(r.rank);
    pits.push(r.pit);
  }
  const reference = referencePoint(rng, ndim);
  const t = tarpCredibility(draw.truth, draws, reference, draw.lo, draw.hi, rng);
  const essMin = Math.min(...summary.diagnostics.ess.slice(0, nd));
  return {
    format: 'jamfit-validate-mock',
    version: 1,
    k: draw.k,
    seed,
    engine: config.engine,
    align: config.align ?? 'cyl',
    mock_align: truthFile.align ?? 'cyl',
    mock_seed: draw.mockSeed,
    fit_seed: draw.fitSeed,
    // JSON has no NaN (the family parameters a single Sérsic lacks): null, as written.
    ...(draw.sersic ? { sersic: draw.sersic } : { family: JSON.parse(JSON.stringify(draw.family)) }),
    columns: columns.slice(0, nd),
    truth: draw.truth,
    truth_parameters: truthFile.parameters,
    intervals: summary.parameters,
    median: summary.names.slice(0, nd).map((n) => (n === 'ml' ? Math.log10(summary.parameters.ml.median) : summary.parameters[n].median)),
    draws: L,
    ranks,
    pits,
    tarp: { reference: Array.from(reference), rank: t.rank, f: t.pit },
    ess_min: essMin,
    draws_independent: essMin >= L,
    converged: summary.diagnostics.converged,
    chi2: summary.chi2,
    nbins: summary.nbins,
    nsteps,
    discard,
  };
}
