/**
 * What every kinematics reader does after it has found its columns: V_rms and its error from
 * V and sigma, the systemic velocity, validation (errors > 0, duplicate bins, masks), and the
 * rotation into the galaxy frame. Readers (csv, ecsv, dynamite, fits) only locate numbers.
 */
import { InputError } from '../../core/errors.ts';
import type { BinMask, BinPixels, Kinematics, KinematicsMeta, KinematicsReadOptions } from './kinematics.ts';
import { toGalaxyFrame, type Orientation } from './orientation.ts';
import { cellWhere, findColumn, missingColumn, numberColumn, suggestColumn, type Table } from './table.ts';

/** Logical fields of a bin; readers map them to their own column names in `where`. */
export type BinField = 'x' | 'y' | 'vrms' | 'vrms_err' | 'v' | 'v_err' | 'sigma' | 'sigma_err' | 'flux' | 'good' | 'bin_id';

/** A reader's bins before the shared derivation and checks. */
export interface RawBins {
  readonly source: string;
  readonly format: KinematicsMeta['format'];
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly vrms?: Float64Array;
  readonly vrmsErr?: Float64Array;
  readonly v?: Float64Array;
  readonly vErr?: Float64Array;
  readonly sigma?: Float64Array;
  readonly sigmaErr?: Float64Array;
  readonly flux?: Float64Array;
  readonly good?: Uint8Array;
  readonly binId?: Float64Array;
  readonly row: Int32Array;
  readonly pixels?: BinPixels;
  readonly psf?: { sigma: number[]; weight: number[] };
  readonly paDeg?: number;
  /** V in the file already has the systemic velocity removed (DYNAMITE). */
  readonly vsysRemoved?: boolean;
  readonly notes: string[];
  /** `where` for bin i's value of `field`, e.g. `gal.csv:row 7 column v_err`. */
  readonly where: (i: number, field: BinField) => string;
}

/**
 * V_rms = sqrt(V^2 + sigma^2) and its error by linear propagation of independent errors:
 *   dV_rms/dV = V / V_rms,  dV_rms/dsigma = sigma / V_rms,
 *   err(V_rms) = sqrt((V err_V)^2 + (sigma err_sigma)^2) / V_rms.
 * At V = sigma = 0 the derivative depends on the direction of approach; the error is then the
 * average of err^2 over directions, sqrt((err_V^2 + err_sigma^2) / 2), which keeps it > 0.
 * Units: km/s in and out. Inputs are arrays of equal length; V must have V_sys removed.
 */
export function vrmsFromMoments(
  v: ArrayLike<number>,
  vErr: ArrayLike<number>,
  sigma: ArrayLike<number>,
  sigmaErr: ArrayLike<number>,
): { vrms: Float64Array; vrmsErr: Float64Array } {
  const n = v.length;
  const vrms = new Float64Array(n);
  const vrmsErr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.hypot(v[i], sigma[i]);
    vrms[i] = r;
    vrmsErr[i] = r > 0 ? Math.hypot(v[i] * vErr[i], sigma[i] * sigmaErr[i]) / r : Math.sqrt((vErr[i] ** 2 + sigmaErr[i] ** 2) / 2);
  }
  return { vrms, vrmsErr };
}

/**
 * Systemic velocity (km/s): the inverse-variance weighted mean of V over the good bins,
 * sum(V_i / err_i^2) / sum(1 / err_i^2), the maximum-likelihood constant for the data. It is
 * dominated by the bright central bins, which sample both sides of the nucleus, and needs no
 * centre or position angle. On NGC 6278 it is within 0.2 km/s of the value DYNAMITE's data
 * preparation removed (test/data/cross-check.test.ts). Throws if no good bin remains.
 */
export function estimateVsys(v: ArrayLike<number>, vErr: ArrayLike<number>, good?: ArrayLike<number>): number {
  let sw = 0;
  let swv = 0;
  for (let i = 0; i < v.length; i++) {
    if (good && !good[i]) continue;
    const w = 1 / (vErr[i] * vErr[i]);
    sw += w;
    swv += w * v[i];
  }
  if (!(sw > 0)) throw new InputError('vsys', 'cannot be estimated: no good bins; give --vsys or unmask bins');
  return swv / sw;
}

function maskedGood(raw: RawBins, mask: BinMask | undefined, n: number): Uint8Array {
  const good = raw.good ? Uint8Array.from(raw.good) : new Uint8Array(n).fill(1);
  if (!mask) return good;
  for (const id of mask.ids ?? []) {
    if (!raw.binId) throw new InputError('mask', `${raw.source} has no bin ids; give bin indices (0-based rows) instead`);
    const k = raw.binId.indexOf(id);
    if (k < 0) throw new InputError('mask', `bin id ${id} is not in ${raw.source}; its ids run from ${Math.min(...raw.binId)} to ${Math.max(...raw.binId)}`);
    good[k] = 0;
  }
  for (const i of mask.indices ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new InputError('mask', `bin index ${i} is outside 0..${n - 1} (${raw.source} has ${n} bins)`);
    good[i] = 0;
  }
  return good;
}

/** Derives V_rms, removes V_sys, validates and masks: the last step of every reader. */
export function buildKinematics(raw: RawBins, opts: KinematicsReadOptions = {}): Kinematics {
  const n = raw.x.length;
  if (n === 0) throw new InputError(raw.source, 'has no bins (no data rows); give one row per bin');
  const notes = [...raw.notes];
  const pos = (a: Float64Array | undefined, f: BinField, strict: boolean, what: string) => {
    if (!a) return;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(a[i])) throw new InputError(raw.where(i, f), `is ${a[i]}; give a finite number`);
      if (strict ? !(a[i] > 0) : a[i] < 0) throw new InputError(raw.where(i, f), `is ${a[i]}; ${what}`);
    }
  };
  for (const [a, f] of [[raw.x, 'x'], [raw.y, 'y'], [raw.v, 'v']] as const) {
    if (!a) continue;
    for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) throw new InputError(raw.where(i, f), `is ${a[i]}; give a finite number`);
  }
  pos(raw.vrmsErr, 'vrms_err', true, 'errors must be > 0 km/s (mask the bin with good = 0 if it has no error)');
  pos(raw.vErr, 'v_err', true, 'errors must be > 0 km/s (mask the bin with good = 0 if it has no error)');
  pos(raw.sigmaErr, 'sigma_err', true, 'errors must be > 0 km/s (mask the bin with good = 0 if it has no error)');
  pos(raw.vrms, 'vrms', false, 'V_rms must be >= 0 km/s');
  pos(raw.sigma, 'sigma', false, 'the dispersion must be >= 0 km/s');
  pos(raw.flux, 'flux', false, 'fluxes must be >= 0');
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${raw.x[i]},${raw.y[i]}`;
    const j = seen.get(key);
    if (j !== undefined) {
      throw new InputError(raw.where(i, 'x'), `bin at (${raw.x[i]}, ${raw.y[i]}) duplicates the bin of row ${raw.row[j]}; remove one of them`);
    }
    seen.set(key, i);
  }
  if (raw.binId) {
    const ids = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(raw.binId[i])) throw new InputError(raw.where(i, 'bin_id'), `is ${raw.binId[i]}; bin ids must be integers`);
      const j = ids.get(raw.binId[i]);
      if (j !== undefined) throw new InputError(raw.where(i, 'bin_id'), `bin id ${raw.binId[i]} is also used on row ${raw.row[j]}; ids must be unique`);
      ids.set(raw.binId[i], i);
    }
  }
  const good = maskedGood(raw, opts.mask, n);
  let ngood = 0;
  for (let i = 0; i < n; i++) ngood += good[i];
  if (ngood === 0) throw new InputError(raw.source, `all ${n} bins are masked; unmask some (good = 1, or fewer --mask entries)`);

  let v = raw.v;
  let vsys: KinematicsMeta['vsys'];
  if (raw.v && raw.vErr) {
    if (opts.vsys !== undefined) {
      if (!Number.isFinite(opts.vsys)) throw new InputError('vsys', `is ${opts.vsys}; give the systemic velocity in km/s`);
      vsys = { kms: opts.vsys, method: 'given' };
    } else if (raw.vsysRemoved) {
      vsys = { kms: 0, method: 'removed upstream' };
    } else {
      vsys = { kms: estimateVsys(raw.v, raw.vErr, good), method: 'estimated' };
      notes.push(`systemic velocity ${vsys.kms.toFixed(2)} km/s (inverse-variance weighted mean of V over ${ngood} good bins) removed from V`);
    }
    const s = vsys.kms;
    v = s === 0 ? raw.v : raw.v.map((vi) => vi - s);
  }
  let vrms = raw.vrms;
  let vrmsErr = raw.vrmsErr;
  if (!vrms || !vrmsErr) {
    if (!v || !raw.vErr || !raw.sigma || !raw.sigmaErr) throw new InputError(raw.source, 'gives neither vrms, vrms_err nor v, v_err, sigma, sigma_err');
    ({ vrms, vrmsErr } = vrmsFromMoments(v, raw.vErr, raw.sigma, raw.sigmaErr));
  } else if (v) {
    notes.push('V_rms taken from the vrms columns as given; v and sigma are kept but not used for it');
  }
  const meta: KinematicsMeta = { format: raw.format, frame: 'input', vsys, psf: raw.psf, paDeg: raw.paDeg, notes };
  return {
    x: raw.x, y: raw.y, vrms, vrmsErr, v, vErr: raw.vErr, sigma: raw.sigma, sigmaErr: raw.sigmaErr, flux: raw.flux,
    good, binId: raw.binId, row: raw.row, pixels: raw.pixels, source: raw.source, meta,
  };
}

/**
 * The same bins in the galaxy frame (x' on the major axis): positions and pixels rotated by
 * `toGalaxyFrame` (orientation.ts), everything else shared. Refuses bins already rotated.
 */
export function orientKinematics(k: Kinematics, o: Orientation): Kinematics {
  if (k.meta.frame !== 'input') throw new InputError('pa', `${k.source} is already in the galaxy frame; rotate it once`);
  const { x, y } = toGalaxyFrame(k.x, k.y, o);
  const pixels = k.pixels && { ...k.pixels, ...toGalaxyFrame(k.pixels.x, k.pixels.y, o) };
  const orientation = { paDeg: o.paDeg, x0: o.x0 ?? 0, y0: o.y0 ?? 0 };
  return { ...k, x, y, pixels, meta: { ...k.meta, frame: 'galaxy', orientation } };
}

/** Accepted column names (case-insensitive), the first being the documented one. */
export const COLUMN_ALIASES: Record<BinField, readonly string[]> = {
  x: ['x', 'x_arcsec'],
  y: ['y', 'y_arcsec'],
  vrms: ['vrms', 'v_rms'],
  vrms_err: ['vrms_err', 'dvrms', 'vrms_error', 'e_vrms'],
  v: ['v', 'vel'],
  v_err: ['v_err', 'dv', 'v_error', 'e_v'],
  sigma: ['sigma', 'sig'],
  sigma_err: ['sigma_err', 'dsigma', 'sigma_error', 'e_sigma'],
  flux: ['flux'],
  good: ['good'],
  bin_id: ['bin_id', 'binid'],
};

/**
 * Kinematics from a text table (CSV or plain ECSV) with the columns of COLUMN_ALIASES:
 * x, y and either vrms, vrms_err or v, v_err, sigma, sigma_err; optional flux, good (0/1),
 * bin_id. Other columns are ignored and listed in meta.notes (with the nearest known name, in
 * case they are a misspelling); a missing required column is an error naming the columns found.
 */
export function kinematicsFromTable(t: Table, format: 'csv' | 'ecsv', opts: KinematicsReadOptions, extra: Partial<RawBins> = {}): Kinematics {
  const col = {} as Record<BinField, number>;
  for (const f of Object.keys(COLUMN_ALIASES) as BinField[]) col[f] = findColumn(t, COLUMN_ALIASES[f]);
  const require = (f: BinField, purpose: string) => {
    if (col[f] < 0) throw missingColumn(t, COLUMN_ALIASES[f], purpose, Object.values(col));
  };
  require('x', 'bin position, arcsec');
  require('y', 'bin position, arcsec');
  const vrmsMode = col.vrms >= 0 && col.vrms_err >= 0;
  const moments = col.v >= 0 && col.v_err >= 0 && col.sigma >= 0 && col.sigma_err >= 0;
  if (!vrmsMode && !moments) {
    // Name the first missing column of the set the file started to give.
    if (col.vrms >= 0 || col.vrms_err >= 0) {
      require('vrms', 'V_rms, km/s');
      require('vrms_err', 'V_rms error, km/s');
    }
    if (col.v >= 0 || col.v_err >= 0 || col.sigma >= 0 || col.sigma_err >= 0) {
      require('v', 'mean velocity, km/s');
      require('v_err', 'velocity error, km/s');
      require('sigma', 'dispersion, km/s');
      require('sigma_err', 'dispersion error, km/s');
    }
    const near = suggestColumn(['vrms', 'vrms_err', 'v', 'v_err', 'sigma', 'sigma_err'], t.names);
    throw new InputError(
      t.source,
      `has neither vrms, vrms_err nor v, v_err, sigma, sigma_err columns; columns found: ${t.names.join(', ')}` +
        (near ? `; is '${near}' misspelt?` : ''),
    );
  }
  const momentCols = [col.v, col.v_err, col.sigma, col.sigma_err];
  const used = new Set(Object.values(col).filter((c) => c >= 0 && (moments || !momentCols.includes(c))));
  const notes: string[] = [];
  const ignored = t.names.filter((_, c) => !used.has(c));
  if (ignored.length) {
    const known = Object.values(COLUMN_ALIASES).map((a) => a[0]);
    const described = ignored.map((name) => {
      const near = suggestColumn([name], known);
      return near ? `${name} (did you mean ${near}?)` : name;
    });
    notes.push(`ignored columns: ${described.join(', ')}`);
  }
  const num = (f: BinField, what: string) => (col[f] >= 0 ? numberColumn(t, col[f], what) : undefined);
  const good = num('good', '0 (masked) or 1 (used)');
  if (good) {
    for (let i = 0; i < t.nrows; i++) {
      if (good[i] !== 0 && good[i] !== 1) throw new InputError(cellWhere(t, i, col.good), `is ${good[i]}; give 1 (use the bin) or 0 (mask it)`);
    }
  }
  const raw: RawBins = {
    source: t.source,
    format,
    x: num('x', 'the x position in arcsec')!,
    y: num('y', 'the y position in arcsec')!,
    vrms: num('vrms', 'V_rms in km/s'),
    vrmsErr: num('vrms_err', 'the V_rms error in km/s'),
    v: moments ? num('v', 'V in km/s') : undefined,
    vErr: moments ? num('v_err', 'the V error in km/s') : undefined,
    sigma: moments ? num('sigma', 'sigma in km/s') : undefined,
    sigmaErr: moments ? num('sigma_err', 'the sigma error in km/s') : undefined,
    flux: num('flux', 'the bin flux'),
    good: good && Uint8Array.from(good),
    binId: num('bin_id', 'an integer bin id'),
    row: Int32Array.from({ length: t.nrows }, (_, i) => t.rowNumber(i)),
    notes,
    where: (i, f) => (col[f] >= 0 ? cellWhere(t, i, col[f]) : `${t.source}:row ${t.rowNumber(i)}`),
    ...extra,
  };
  return buildKinematics(raw, opts);
}
