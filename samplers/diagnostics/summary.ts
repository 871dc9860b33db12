/**
 * The per-parameter table a user prints after a fit: posterior mean, sd, 5/50/95% quantiles,
 * MCSE of the mean, bulk and tail ESS, and rank-normalised split R-hat. Each walker of the
 * ensemble is treated as one chain (walkers of an affine-invariant ensemble are not independent,
 * so R-hat across walkers is a consistency check, not a proof of convergence).
 */
import { InputError } from '../../core/errors.ts';
import { ensembleToChains, isFlatChain, validateChains, type EnsembleChain, type FlatChain, type ParameterChains } from './chain.ts';
import { essOfPrepared, essQuantile } from './ess.ts';
import { pooledSorted, quantile, splitChains } from './rank.ts';
import { rhatOfSplit } from './rhat.ts';

/** One row of {@link summarize}. */
export interface SummaryRow {
  name: string;
  /** Posterior mean (parameter units). */
  mean: number;
  /** Posterior standard deviation (pooled draws, denominator S - 1). */
  sd: number;
  /** 5%, 50%, 95% sample quantiles (type 7). */
  q5: number;
  q50: number;
  q95: number;
  /** Monte-Carlo standard error of the mean: sd / sqrt(ESS_basic). */
  mcse_mean: number;
  /** Bulk ESS (rank-normalised), draws. */
  ess_bulk: number;
  /** Tail ESS (min over 5%/95% indicators), draws. */
  ess_tail: number;
  /** Rank-normalised split R-hat, max(bulk, tail). */
  rhat: number;
}

/** Summary of one parameter given as `chains[chain][draw]` (already validated Float64Arrays). */
export function summarizeChains(name: string, chains: Float64Array[]): SummaryRow {
  const S = chains.length * chains[0].length;
  let sum = 0;
  for (const c of chains) for (let i = 0; i < c.length; i++) sum += c[i];
  const mean = sum / S;
  let ss = 0;
  for (const c of chains) for (let i = 0; i < c.length; i++) { const d = c[i] - mean; ss += d * d; }
  const sd = Math.sqrt(ss / (S - 1));
  const sortedAll = pooledSorted(chains);
  const split = splitChains(chains);
  const essBasic = essOfPrepared(split);
  const lo = essQuantile(chains, 0.05, sortedAll);
  const hi = essQuantile(chains, 0.95, sortedAll);
  const c = convergenceOfSplit(split);
  return {
    name,
    mean,
    sd,
    q5: quantile(sortedAll, 0.05),
    q50: quantile(sortedAll, 0.5),
    q95: quantile(sortedAll, 0.95),
    mcse_mean: sd / Math.sqrt(essBasic),
    ess_bulk: c.essBulk,
    ess_tail: Number.isNaN(lo) || Number.isNaN(hi) ? NaN : Math.min(lo, hi),
    rhat: c.rhat,
  };
}

/**
 * Rank-normalised split R-hat (max of bulk and folded tail, as splitRhat) and bulk ESS (as
 * ess(chains, 'bulk')) of one parameter, sharing the one rank normalisation both are built on.
 * @param chains `chains[chain][draw]`, as splitRhat and ess take them.
 * @throws InputError as splitRhat.
 */
export function rhatAndBulkEss(chains: ParameterChains): { rhat: number; essBulk: number } {
  return convergenceOfSplit(splitChains(validateChains(chains)));
}

function convergenceOfSplit(split: Float64Array[]): { rhat: number; essBulk: number } {
  const { rhat, z } = rhatOfSplit(split);
  return { rhat, essBulk: essOfPrepared(z) };
}

/**
 * Posterior summary table of an ensemble chain, one row per parameter.
 *
 * @param chain `chain[step][walker][dim]` or a {@link FlatChain} `{data, nsteps, nwalkers, ndim}`
 *   (step-major). Discard burn-in before calling. nsteps >= 4, finite values.
 * @param names parameter names (length ndim); default `x0, x1, ...`.
 * @returns rows with mean, sd, q5/q50/q95, mcse_mean, ess_bulk, ess_tail, rhat (NaN diagnostics
 *   for a parameter whose draws are all equal).
 * @throws InputError for malformed/non-finite chains (named element) or a names length mismatch.
 */
export function summarize(chain: EnsembleChain | FlatChain, names?: readonly string[]): SummaryRow[] {
  const perDim = ensembleToChains(chain);
  const ndim = perDim.length;
  if (names && names.length !== ndim) throw new InputError('names', `has ${names.length} entries but the chain has ${ndim} dimensions`);
  const nsteps = isFlatChain(chain) ? chain.nsteps : chain.length;
  if (nsteps < 4) throw new InputError('chain', `has ${nsteps} steps; a summary needs at least 4`);
  return perDim.map((chains, d) => summarizeChains(names?.[d] ?? `x${d}`, chains));
}

function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(digits - 1) : v.toPrecision(digits);
}

/** Formats {@link summarize} rows as a fixed-width text table (one header line + one line per row). */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const head = ['name', 'mean', 'sd', 'q5', 'q50', 'q95', 'mcse_mean', 'ess_bulk', 'ess_tail', 'rhat'];
  const body = rows.map((r) => [
    r.name, fmt(r.mean, 4), fmt(r.sd, 4), fmt(r.q5, 4), fmt(r.q50, 4), fmt(r.q95, 4), fmt(r.mcse_mean, 2),
    Number.isFinite(r.ess_bulk) ? Math.round(r.ess_bulk).toString() : String(r.ess_bulk),
    Number.isFinite(r.ess_tail) ? Math.round(r.ess_tail).toString() : String(r.ess_tail),
    Number.isFinite(r.rhat) ? r.rhat.toFixed(3) : String(r.rhat),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
