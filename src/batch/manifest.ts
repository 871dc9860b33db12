/**
 * The survey manifest of `jamfit batch`: a CSV (src/data/csv.ts rules: header line, '#' comments,
 * double quotes) with one row per galaxy.
 *
 * Required columns: name, kinematics, photometry, distance_mpc (Mpc, > 0). Optional columns,
 * each overriding the batch's command-line fit option of the same meaning for that galaxy (a
 * blank cell keeps the command line's value): pa_deg, x0, y0 (arcsec), vsys (km/s), mbh (Msun),
 * pixsize (arcsec), mass_model (qm | light), psf_sigma, psf_weight (arcsec; several values
 * separated by ';' or spaces, or a quoted "0.6,1.8"), mask (bin ids, as psf_sigma).
 * Paths are relative to the manifest's folder (absolute paths are kept).
 *
 * Everything that is wrong with the manifest itself (a missing or unknown column, a name that is
 * empty, repeated or not a safe folder name, a cell that is not a number) refuses the whole batch
 * before anything is written: these are catalogue typos found in milliseconds. Problems with a
 * galaxy's FILES (missing, malformed) are that galaxy's failure, found when it is fitted.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { parseCsv } from '../data/csv.ts';
import { cellWhere, findColumn, missingColumn, numberColumn, readText, suggestColumn, type Table } from '../data/table.ts';
import { numberList } from '../run/number-list.ts';
import type { FitOptions } from '../run/fit.ts';

/** One galaxy of the manifest. */
export interface ManifestEntry {
  name: string;
  /** The manifest line the galaxy is on (1-based, as in error messages). */
  row: number;
  kinematics: string;
  photometry: string;
  distanceMpc: number;
  /** The per-galaxy fit options the optional columns set (only those with a non-blank cell). */
  overrides: Partial<FitOptions>;
}

const REQUIRED = ['name', 'kinematics', 'photometry', 'distance_mpc'] as const;
/** Optional numeric columns and the FitOptions field each sets. */
const NUMERIC: Record<string, 'pa' | 'x0' | 'y0' | 'vsys' | 'mbh' | 'pixsize'> = { pa_deg: 'pa', x0: 'x0', y0: 'y0', vsys: 'vsys', mbh: 'mbh', pixsize: 'pixsize' };
/** Optional list columns (numbers) and the FitOptions field each sets (comma-separated text). */
const LISTS: Record<string, 'psfSigma' | 'psfWeight' | 'mask'> = { psf_sigma: 'psfSigma', psf_weight: 'psfWeight', mask: 'mask' };
const MASS_MODELS = ['qm', 'light'];

/**
 * Names the batch writes beside the galaxies' folders in DIR; a galaxy cannot take them. Compared
 * case-insensitively, as are galaxy names among themselves, so that a survey folder is the same
 * on case-insensitive file systems.
 */
export const RESERVED_NAMES = ['summary.csv', 'summary.arrow', 'shards'];
/** A galaxy name becomes a folder: letters, digits and . _ + - only, not starting with '.' or '-'. */
const SAFE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;

/** The rows `i` where column `col` is non-blank, as a Table of their own (for numberColumn). */
function nonBlank(t: Table, col: number): { rows: number[]; view: Table } {
  const cells = t.columns[col] as readonly string[];
  const rows = cells.flatMap((c, i) => (c.trim() === '' ? [] : [i]));
  const view: Table = { source: t.source, names: t.names, nrows: rows.length, columns: t.columns.map((c) => rows.map((i) => c[i] as string)), rowNumber: (k) => t.rowNumber(rows[k]) };
  return { rows, view };
}

/**
 * Reads and validates a manifest (see the module comment).
 * @param path - the manifest CSV; its folder anchors relative paths.
 * @returns the galaxies in manifest order (at least one).
 * @throws InputError naming the manifest (and row and column) and the fix.
 */
export function readManifest(path: string): ManifestEntry[] {
  const t = parseCsv(readText(path), path);
  const known = [...REQUIRED, ...Object.keys(NUMERIC), ...Object.keys(LISTS), 'mass_model'];
  for (const n of t.names) {
    if (!known.includes(n.toLowerCase())) {
      const near = suggestColumn([n], known);
      throw new InputError(`${path} column ${n}`, `is not a manifest column${near ? `; did you mean '${near}'?` : ''}; the columns are ${known.join(', ')}`);
    }
  }
  const col = (name: string) => findColumn(t, [name]);
  const [nameC, kinC, photC, distC] = REQUIRED.map((r) => {
    const c = col(r);
    if (c < 0) throw missingColumn(t, [r], r === 'distance_mpc' ? 'the distance in Mpc' : r === 'name' ? 'the galaxy name, its folder in --out' : `the ${r} file, relative to the manifest`);
    return c;
  });
  const text = (c: number, i: number) => (t.columns[c][i] as string).trim();
  const dist = numberColumn(t, distC, 'the distance in Mpc');
  const base = dirname(path);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const seen = new Map<string, number>();
  const entries: ManifestEntry[] = [];
  for (let i = 0; i < t.nrows; i++) {
    const name = text(nameC, i);
    const where = cellWhere(t, i, nameC);
    if (name === '') throw new InputError(where, 'is empty; give every galaxy a name (its folder in --out)');
    if (!SAFE_NAME.test(name) || name.length > 200) throw new InputError(where, `is '${name}'; a name becomes a folder: use letters, digits and . _ + - (not first: . or -), up to 200 characters`);
    const key = name.toLowerCase();
    if (RESERVED_NAMES.includes(key)) throw new InputError(where, `is '${name}', which jamfit batch writes into --out itself; rename the galaxy`);
    if (seen.has(key)) throw new InputError(where, `'${name}' is also the name on row ${seen.get(key)} (names are compared ignoring case); give each galaxy its own name`);
    seen.set(key, t.rowNumber(i));
    for (const c of [kinC, photC]) if (text(c, i) === '') throw new InputError(cellWhere(t, i, c), `is empty; give the ${t.names[c]} file of ${name}`);
    if (!(dist[i] > 0)) throw new InputError(cellWhere(t, i, distC), `is ${dist[i]}; the distance must be > 0 Mpc`);
    entries.push({ name, row: t.rowNumber(i), kinematics: at(text(kinC, i)), photometry: at(text(photC, i)), distanceMpc: dist[i], overrides: {} });
  }
  for (const [column, field] of Object.entries(NUMERIC)) {
    const c = col(column);
    if (c < 0) continue;
    const { rows, view } = nonBlank(t, c);
    const v = numberColumn(view, c, column === 'pa_deg' ? 'the position angle in degrees' : `the ${column}`);
    rows.forEach((i, k) => (entries[i].overrides[field] = v[k]));
  }
  for (const [column, field] of Object.entries(LISTS)) {
    const c = col(column);
    if (c < 0) continue;
    for (let i = 0; i < t.nrows; i++) {
      const s = text(c, i);
      if (s === '') continue;
      const list = s.split(/[;,\s]+/).filter((p) => p !== '').join(',');
      numberList(cellWhere(t, i, c), list);
      entries[i].overrides[field] = list;
    }
  }
  const mc = col('mass_model');
  if (mc >= 0) {
    for (let i = 0; i < t.nrows; i++) {
      const s = text(mc, i);
      if (s === '') continue;
      if (!MASS_MODELS.includes(s)) throw new InputError(cellWhere(t, i, mc), `is '${s}'; use ${MASS_MODELS.join(' or ')}`);
      entries[i].overrides.massModel = s;
    }
  }
  return entries;
}
