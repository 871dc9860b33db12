/**
 * The batch's results table: one row per galaxy, built from what is ON DISK (each galaxy's
 * summary.json and batch.json marker), never from the process that fitted it, so a table is the
 * same whichever run, shard or worker did the fitting. Written with arquero as CSV and as an
 * Arrow IPC file (format 'file', the random-access one pandas/pyarrow read with
 * pyarrow.ipc.open_file or pandas.read_feather), each through the one atomic writer.
 *
 * Columns, in this order (a fixed schema, so that shard tables concatenate):
 *   name, status ('done' | 'failed'), error (one line, failed only), seed (the galaxy's), mass_model,
 *   align (the velocity ellipsoid the galaxy was fitted with: cyl or sph), ml_mode, nbins, nsteps,
 *   nwalkers, discard;
 *   for q in beta_z, q_m, inc_deg, ml, ml_total, log10_mass_total_msun and then any further
 *   parameter or derived quantity a summary carries (sorted): q_median, q_lo68, q_hi68, q_lo95,
 *   q_hi95 (ml from summary.parameters when M/L is sampled, from summary.derived when profiled or
 *   marginalised: the same quantity; q_m is blank for the light model);
 *   chi2, chi2_per_bin, acceptance, tau_max, tau_reliable, rhat_max, ess_min, nan_count,
 *   converged, warnings ('; '-joined).
 * No timings and no paths of the machine: they would differ between identical fits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { bool, float64, int32, utf8, type DataType } from '@uwdata/flechette';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import type { FitSummary, Interval } from '../fit/fit-summary.ts';
import { MARKER, type Marker } from './fit-galaxy.ts';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

const QUANTITIES = ['beta_z', 'q_m', 'inc_deg', 'ml', 'ml_total', 'log10_mass_total_msun'];
const STATS = ['median', 'lo68', 'hi68', 'lo95', 'hi95'] as const;
const HEAD: [string, DataType][] = [
  ['name', utf8()],
  ['status', utf8()],
  ['error', utf8()],
  ['seed', float64()],
  ['mass_model', utf8()],
  ['align', utf8()],
  ['ml_mode', utf8()],
  ['nbins', int32()],
  ['nsteps', int32()],
  ['nwalkers', int32()],
  ['discard', int32()],
];
const TAIL: [string, DataType][] = [
  ['chi2', float64()],
  ['chi2_per_bin', float64()],
  ['acceptance', float64()],
  ['tau_max', float64()],
  ['tau_reliable', bool()],
  ['rhat_max', float64()],
  ['ess_min', float64()],
  ['nan_count', int32()],
  ['converged', bool()],
  ['warnings', utf8()],
];

/** A galaxy that has not finished: its name, seed and one-line error. */
export interface Failure {
  name: string;
  seed: number;
  error: string;
}

/** The quantities of one summary, by table name (see the module comment). */
function quantities(s: FitSummary): Record<string, Interval> {
  return { ...s.derived, ...s.parameters };
}

/** A finished galaxy's row, from its run folder `dir` (summary.json and the marker). */
export function doneRow(name: string, dir: string): Row {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as FitSummary;
  const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Marker;
  // A marker without align is a fit with the default, cylindrical, alignment.
  const row: Row = { name, status: 'done', error: null, seed: m.seed, mass_model: s.mass_model, align: (m.options.align as string | undefined) ?? 'cyl', ml_mode: s.ml_mode, nbins: s.nbins, nsteps: s.nsteps, nwalkers: s.nwalkers, discard: s.discard };
  for (const [q, iv] of Object.entries(quantities(s))) for (const k of STATS) row[`${q}_${k}`] = iv[k];
  const d = s.diagnostics;
  Object.assign(row, {
    chi2: s.chi2,
    chi2_per_bin: s.chi2_per_bin,
    acceptance: d.acceptance,
    tau_max: Math.max(...d.tau),
    tau_reliable: d.tau_reliable,
    rhat_max: Math.max(...d.rhat),
    ess_min: Math.min(...d.ess),
    nan_count: d.nan_count,
    converged: d.converged,
    warnings: m.warnings.length ? m.warnings.join('; ') : null,
  });
  return row;
}

/** A failed galaxy's row: name, status, error and seed; everything else blank. */
export function failedRow(f: Failure): Row {
  return { name: f.name, status: 'failed', error: f.error, seed: f.seed };
}

/** The column names and Arrow types of `rows` (the fixed schema plus any extra quantities). */
export function schema(rows: Row[]): [string, DataType][] {
  const fixed = new Set([...HEAD, ...TAIL].map(([n]) => n));
  const extra = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      const m = /^(.*)_(median|lo68|hi68|lo95|hi95)$/.exec(k);
      if (!fixed.has(k) && m && !QUANTITIES.includes(m[1])) extra.add(m[1]);
    }
  }
  const qs = [...QUANTITIES, ...[...extra].sort()];
  return [...HEAD, ...qs.flatMap((q) => STATS.map((k): [string, DataType] => [`${q}_${k}`, float64()])), ...TAIL];
}

/**
 * Writes `<base>.csv` and `<base>.arrow` for `rows` (in the given order), atomically.
 * @returns the two paths.
 */
export function writeTables(rows: Row[], base: string): string[] {
  const cols = schema(rows);
  const data: Record<string, Cell[]> = {};
  for (const [n] of cols) data[n] = rows.map((r) => r[n] ?? null);
  const t = aq.table(data);
  const csv = `${base}.csv`;
  const arrow = `${base}.arrow`;
  writeFileAtomic(csv, aq.toCSV(t));
  writeFileAtomic(arrow, aq.toArrowIPC(t, { format: 'file', types: Object.fromEntries(cols) }));
  return [csv, arrow];
}
