/**
 * Photometry files:
 * - JSON `{"sersic": {"n": 4, "re_arcsec": 12, "q": 0.7, "ie_lsun_pc2": 300}}` (what `jamfit
 *   predict` reads): a Sérsic profile with the same observed axial ratio everywhere.
 * - an MGE table: astropy ECSV like DYNAMITE's mge.ecsv (columns I [Lsun/pc^2, peak surface
 *   density of each Gaussian], sigma [arcsec, along the major axis], q [observed axial ratio],
 *   optional PA_twist [degrees], which must be 0), or CSV with columns surf, sigma, q.
 *   Column aliases: surf | I | surf_lsun_pc2; sigma | sigma_arcsec; q | qobs.
 * `readPhotometry` picks the reader from the extension (.json, .ecsv, .csv).
 */
import { extname } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { checkMge } from '../photometry/mge.ts';
import { SERSIC_N_MAX, SERSIC_N_MIN } from '../photometry/sersic.ts';
import type { SersicMgeParams } from '../photometry/sersic-mge.ts';
import { parseCsv } from './csv.ts';
import { parseEcsv } from './ecsv.ts';
import { cellWhere, findColumn, missingColumn, numberColumn, readText, suggestColumn, type Table } from './table.ts';

export interface SersicPhotometry {
  readonly kind: 'sersic';
  /** n (dimensionless), Re (arcsec), Ie (Lsun/pc^2 at Re), qobs: the input of sersicToMge. */
  readonly params: SersicMgeParams;
  readonly source: string;
}

export interface MgePhotometry {
  readonly kind: 'mge';
  /** Peak surface density (Lsun/pc^2), dispersion along the major axis (arcsec), observed axial ratio. */
  readonly mge: { surf: Float64Array; sigma: Float64Array; qobs: Float64Array };
  readonly source: string;
  readonly notes: string[];
}

export type Photometry = SersicPhotometry | MgePhotometry;

const SERSIC_KEYS = ['n', 're_arcsec', 'q', 'ie_lsun_pc2'] as const;

/**
 * Validates a parsed Sérsic JSON. Ranges: n in [0.2, 20] (the Sérsic b_n and MGE code's range;
 * the MGE fit's error grows from < 0.5% at n <= 4 to ~1% at n = 6, and the surrogate covers only
 * its training domain), re_arcsec > 0, q in (0, 1], ie_lsun_pc2 > 0, all finite. Unknown keys
 * inside "sersic" are refused (with the nearest known key); other top-level keys are ignored.
 */
export function parseSersicJson(raw: unknown, source: string): SersicPhotometry {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(source, 'must be a JSON object {"sersic": {"n", "re_arcsec", "q", "ie_lsun_pc2"}}');
  const s = (raw as Record<string, unknown>).sersic;
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    throw new InputError(`${source}: sersic`, 'is missing; give {"sersic": {"n": .., "re_arcsec": .., "q": .., "ie_lsun_pc2": ..}}');
  }
  const o = s as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(SERSIC_KEYS as readonly string[]).includes(k)) {
      const near = suggestColumn([k], SERSIC_KEYS);
      throw new InputError(`${source}: sersic.${k}`, `unknown key${near ? ` (did you mean '${near}'?)` : ''}; the keys are ${SERSIC_KEYS.join(', ')}`);
    }
  }
  const get = (k: (typeof SERSIC_KEYS)[number], ok: (v: number) => boolean, range: string): number => {
    const v = o[k];
    if (v === undefined) throw new InputError(`${source}: sersic.${k}`, `is missing; give ${range}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new InputError(`${source}: sersic.${k}`, `is ${JSON.stringify(v)}; give ${range}`);
    return v;
  };
  const n = get('n', (v) => v >= SERSIC_N_MIN && v <= SERSIC_N_MAX, `a Sérsic index in [${SERSIC_N_MIN}, ${SERSIC_N_MAX}]`);
  const Re = get('re_arcsec', (v) => v > 0, 'the effective radius in arcsec, > 0');
  const qobs = get('q', (v) => v > 0 && v <= 1, 'the observed axial ratio in (0, 1]');
  const Ie = get('ie_lsun_pc2', (v) => v > 0, 'the surface brightness at R_e in Lsun/pc^2, > 0');
  return { kind: 'sersic', params: { n, Re, Ie, qobs }, source };
}

/** Reads a Sérsic JSON file (see parseSersicJson). */
export function readSersicJson(path: string): SersicPhotometry {
  const text = readText(path);
  if (text.trim() === '') throw new InputError(path, 'is empty; give {"sersic": {"n", "re_arcsec", "q", "ie_lsun_pc2"}}');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `is not valid JSON (${(e as Error).message})`);
  }
  return parseSersicJson(raw, path);
}

const MGE_ALIASES = {
  surf: ['surf', 'I', 'surf_lsun_pc2'],
  sigma: ['sigma', 'sigma_arcsec'],
  qobs: ['q', 'qobs'],
  twist: ['PA_twist', 'pa_twist'],
} as const;

/**
 * An MGE from a table (ECSV or CSV cells): surf, sigma, q (+ optional PA_twist, which must be 0:
 * isophote twists are not supported by axisymmetric JAM). Values are validated by checkMge; its
 * messages are re-addressed to `file:row N column C`.
 */
export function mgeFromTable(t: Table): MgePhotometry {
  const col = {
    surf: findColumn(t, MGE_ALIASES.surf),
    sigma: findColumn(t, MGE_ALIASES.sigma),
    qobs: findColumn(t, MGE_ALIASES.qobs),
    twist: findColumn(t, MGE_ALIASES.twist),
  };
  if (col.surf < 0) throw missingColumn(t, MGE_ALIASES.surf, 'peak surface density of each Gaussian, Lsun/pc^2');
  if (col.sigma < 0) throw missingColumn(t, MGE_ALIASES.sigma, 'Gaussian dispersion along the major axis, arcsec');
  if (col.qobs < 0) throw missingColumn(t, MGE_ALIASES.qobs, 'observed axial ratio');
  const surf = numberColumn(t, col.surf, 'a surface density in Lsun/pc^2');
  const sigma = numberColumn(t, col.sigma, 'a dispersion in arcsec');
  const qobs = numberColumn(t, col.qobs, 'an axial ratio in (0, 1]');
  if (col.twist >= 0) {
    const tw = numberColumn(t, col.twist, 'the twist angle in degrees');
    for (let i = 0; i < t.nrows; i++) {
      if (tw[i] !== 0) throw new InputError(cellWhere(t, i, col.twist), `is ${tw[i]}; twisted MGEs are not supported (axisymmetric JAM needs every Gaussian on one axis): set it to 0`);
    }
  }
  try {
    const mge = checkMge({ surf, sigma, qobs }, 'mge');
    const used = new Set(Object.values(col).filter((c) => c >= 0));
    const ignored = t.names.filter((_, c) => !used.has(c));
    return { kind: 'mge', mge, source: t.source, notes: ignored.length ? [`ignored columns: ${ignored.join(', ')}`] : [] };
  } catch (e) {
    // checkMge names `mge.<key>[k]`; point at the file's row and column instead.
    const m = e instanceof InputError ? /^mge\.(surf|sigma|qobs)\[(\d+)\]$/.exec(e.where) : null;
    if (m && e instanceof InputError) {
      const key = m[1] as 'surf' | 'sigma' | 'qobs';
      throw new InputError(cellWhere(t, Number(m[2]), col[key]), e.message.slice(e.where.length + 2));
    }
    throw e;
  }
}

/** Reads an MGE table (.ecsv or .csv). */
export function readMgeTable(path: string): MgePhotometry {
  const ext = extname(path).toLowerCase();
  const text = readText(path);
  if (ext === '.ecsv') return mgeFromTable(parseEcsv(text, path));
  if (ext === '.csv') return mgeFromTable(parseCsv(text, path));
  throw new InputError(path, `unknown MGE table format '${ext}'; give .ecsv or .csv`);
}

/** Reads photometry by extension: .json (Sérsic), .ecsv / .csv (MGE table). */
export function readPhotometry(path: string): Photometry {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return readSersicJson(path);
  if (ext === '.ecsv' || ext === '.csv') return readMgeTable(path);
  throw new InputError(path, `unknown photometry format '${ext || '(no extension)'}'; give a Sérsic .json or an MGE .ecsv / .csv table`);
}
