/**
 * The survey manifest of `jamfit batch`: a CSV (src/data/csv.ts rules: header line, '#' comments,
 * double quotes) with one row per galaxy.
 *
 * Required columns: name, kinematics, photometry, distance_mpc (Mpc, > 0). Optional columns,
 * each overriding the batch's command-line fit option of the same meaning for that galaxy (a
 * blank cell keeps the command line's value): pa_deg, x0, y0 (arcsec), vsys (km/s), mbh (Msun),
 * pixsize (arcsec), mass_model (qm | light), align (cyl | sph: the velocity ellipsoid, Cappellari
 * 2008 / 2020), psf_sigma, psf_weight (arcsec; several values
 * separated by ';' or spaces, or a quoted "0.6,1.8"), mask (bin ids, as psf_sigma).
 * Paths are relative to the manifest's folder (absolute paths are kept).
 *
 * Optional column `config`: a TOML file of that galaxy's fit options, the keys of `jamfit fit
 * --config` (src/cli/config-file.ts; paths inside it relative to the file). Precedence, per
 * option: the row's cells > the galaxy's config file > the batch's command line > the defaults
 * (the command line is the survey's default, the file the galaxy's own). A row with a config
 * may leave kinematics, photometry and distance_mpc blank when the file sets kinematics,
 * photometry and distance. `out`, `seed` and `workers` are the batch's (DIR/<name>, the seed from
 * --seed and the name, one thread per fit) and are refused in the file.
 *
 * Everything that is wrong with the manifest itself (a missing or unknown column, a name that is
 * empty, repeated or not a safe folder name, a cell that is not a number) refuses the whole batch
 * before anything is written: these are catalogue typos found in milliseconds. A galaxy's config
 * file is part of the catalogue, read here: an unreadable file, an unknown key, a wrong type or a
 * missing input file it names refuses the batch in one line naming the file, line and key, as
 * `jamfit fit --config` does. Problems with a
 * galaxy's FILES (missing, malformed) are that galaxy's failure, found when it is fitted.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { fitOptions } from '../cli/cmd-fit.ts';
import { readConfigFile } from '../cli/config-file.ts';
import { parseToml } from '../data/toml.ts';
import { parseCsv } from '../data/csv.ts';
import { cellWhere, findColumn, missingColumn, numberColumn, readText, suggestColumn, type Table } from '../data/table.ts';
import { numberList } from '../run/number-list.ts';
import type { FitOptions } from '../fit/fit.ts';

/** One galaxy of the manifest. */
export interface ManifestEntry {
  name: string;
  /** The manifest line the galaxy is on (1-based, as in error messages). */
  row: number;
  kinematics: string;
  photometry: string;
  distanceMpc: number;
  /** The per-galaxy fit options the config file and the optional columns set (cells over the file). */
  overrides: Partial<FitOptions>;
  /** The galaxy's config file (absolute), when its `config` cell is not blank. */
  config?: string;
}

const REQUIRED = ['name', 'kinematics', 'photometry', 'distance_mpc'] as const;
/** Optional numeric columns and the FitOptions field each sets. */
const NUMERIC: Record<string, 'pa' | 'x0' | 'y0' | 'vsys' | 'mbh' | 'pixsize'> = { pa_deg: 'pa', x0: 'x0', y0: 'y0', vsys: 'vsys', mbh: 'mbh', pixsize: 'pixsize' };
/** Optional list columns (numbers) and the FitOptions field each sets (comma-separated text). */
const LISTS: Record<string, 'psfSigma' | 'psfWeight' | 'mask'> = { psf_sigma: 'psfSigma', psf_weight: 'psfWeight', mask: 'mask' };
/** Values of the enumerated columns: mass_model and align (FitOptions massModel and align). */
const CHOICES: Record<string, { field: 'massModel' | 'align'; values: string[] }> = {
  mass_model: { field: 'massModel', values: ['qm', 'light'] },
  align: { field: 'align', values: ['cyl', 'sph'] },
};
/** Config-file keys that jamfit batch sets itself, and why. */
const BATCH_KEYS: Record<string, string> = { out: 'the batch writes each galaxy to --out/<name>', seed: "the batch derives each galaxy's seed from --seed and its name", workers: 'the batch fits each galaxy in one thread (its --workers is galaxies at once)' };

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * A galaxy's config file as fit options (camelCase, as FitOptions), with kinematics, photometry
 * and distance kept for blank manifest cells.
 * @throws InputError `file:line: key 'k': problem` (readConfigFile's, or a key the batch sets).
 */
export function readGalaxyConfig(file: string): Partial<FitOptions> {
  const values = readConfigFile(file, fitOptions);
  const batchKeys = Object.keys(values).filter((k) => k in BATCH_KEYS);
  if (batchKeys.length > 0) {
    const line = parseToml(readFileSync(file, 'utf8')).get(batchKeys[0])?.line;
    throw new InputError(`${file}:${line}`, `key '${batchKeys[0]}': cannot be set in a galaxy's config file (${BATCH_KEYS[batchKeys[0]]}); remove it`);
  }
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [camel(k), v])) as Partial<FitOptions>;
}

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
  const known = [...REQUIRED, ...Object.keys(NUMERIC), ...Object.keys(LISTS), ...Object.keys(CHOICES), 'config'];
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
  const dist = new Float64Array(t.nrows).fill(NaN);
  const distRows = nonBlank(t, distC);
  numberColumn(distRows.view, distC, 'the distance in Mpc').forEach((v, k) => (dist[distRows.rows[k]] = v));
  const base = dirname(path);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const configC = col('config');
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
    // The config file's options first: the cells below override them.
    const config = configC >= 0 && text(configC, i) !== '' ? at(text(configC, i)) : undefined;
    const overrides = config ? readGalaxyConfig(config) : {};
    const { kinematics: kin, photometry: phot, distance, ...fromFile } = overrides;
    const orFile = config ? ` (or set it in its config file ${text(configC, i)})` : '';
    for (const [c, v] of [[kinC, kin], [photC, phot]] as const) if (text(c, i) === '' && v === undefined) throw new InputError(cellWhere(t, i, c), `is empty; give the ${t.names[c]} file of ${name}${orFile}`);
    const d = text(distC, i) === '' && distance !== undefined ? distance : dist[i];
    if (!(d > 0)) throw new InputError(cellWhere(t, i, distC), text(distC, i) === '' && distance === undefined ? `is empty; give the distance of ${name} in Mpc${orFile}` : `is ${d}; the distance must be > 0 Mpc`);
    const file = (c: number, v: string | undefined) => (text(c, i) !== '' ? at(text(c, i)) : v!);
    entries.push({ name, row: t.rowNumber(i), kinematics: file(kinC, kin), photometry: file(photC, phot), distanceMpc: d, overrides: fromFile, ...(config ? { config } : {}) });
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
  for (const [column, { field, values }] of Object.entries(CHOICES)) {
    const c = col(column);
    if (c < 0) continue;
    for (let i = 0; i < t.nrows; i++) {
      const s = text(c, i);
      if (s === '') continue;
      if (!values.includes(s)) throw new InputError(cellWhere(t, i, c), `is '${s}'; use ${values.join(' or ')}`);
      entries[i].overrides[field] = s;
    }
  }
  return entries;
}
