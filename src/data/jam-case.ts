/**
 * Reader of the `jamfit jam` input file (the CLI contract other tools call):
 *   { "mge_lum": {"surf": [..], "sigma": [..], "qobs": [..]},
 *     "mge_pot": {"surf": [..], "sigma": [..], "qobs": [..]},
 *     "inc_deg": 70, "beta_z": 0.1 | [..], "distance_mpc": 10, "x": [..], "y": [..],
 *     "mbh": 0, "psf": {"sigma": [..], "weight": [..]}, "pixsize": 0 }
 * plus optional extras: ml, rbh, pixang, nodes, mode, step, nrad, nang, name, align ("cyl" | "sph": the
 * velocity ellipsoid's alignment, Cappellari 2008 / 2020; beta_z is then 1 - sigma_theta^2/sigma_r^2
 * for "sph"), kappa (one number or one per luminous Gaussian: the rotation parameter of the
 * cylindrical model's first moment, Cappellari 2008 Sec. 3.2; when given, commands also output V).
 * Units: surf in Lsun/pc^2 (Msun/pc^2 for the mass), sigma, x, y, pixsize in arcsec.
 * `mode` ("direct" | "polar") chooses the evaluation without a PSF; with a PSF it is refused
 * (the PSF path has one evaluation scheme). `pixsize` is passed to the library whenever given, with
 * or without a PSF. Every error names the file and the field.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';
import type { JamOptions } from '../jam/jam.ts';
import type { JamParams } from '../jam/model.ts';

const REQUIRED = ['mge_lum', 'mge_pot', 'inc_deg', 'beta_z', 'distance_mpc', 'x', 'y'] as const;
const OPTIONAL = ['name', 'mbh', 'rbh', 'ml', 'psf', 'pixsize', 'pixang', 'nodes', 'mode', 'step', 'nrad', 'nang', 'align', 'kappa'] as const;
const MGE_KEYS = ['surf', 'sigma', 'qobs'];
const PSF_KEYS = ['sigma', 'weight'];
/** Values of `mode` (the no-PSF evaluation schemes of jamVrms). */
const MODES: readonly string[] = ['direct', 'polar'] satisfies NonNullable<JamOptions['mode']>[];
/** Values of `align` (and of the CLI's --align). */
export const ALIGNS: readonly string[] = ['cyl', 'sph'] satisfies NonNullable<JamOptions['align']>[];

/**
 * Checks an alignment value from a file (`where` = "align") or the command line ("--align"):
 * InputError naming it unless it is "cyl" or "sph".
 */
export function checkAlign(v: unknown, where: string): JamOptions['align'] {
  if (!ALIGNS.includes(v as string)) throw new InputError(where, `is ${JSON.stringify(v)}; use ${ALIGNS.map((a) => JSON.stringify(a)).join(' or ')} (cylindrically or spherically aligned velocity ellipsoid)`);
  return v as JamOptions['align'];
}

export interface JamCase {
  params: JamParams;
  x: number[];
  y: number[];
  options: JamOptions;
  /** The rotation parameter for the first moment, when the file gives one (shape-checked only). */
  kappa?: number | number[];
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new InputError(`${where}${k}`, `unknown key; allowed keys are ${allowed.join(', ')}`);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and shape-checks a case object (values are range-checked by the JAM library).
 * With `points: false` the sky points x, y are optional (commands that make their own grid).
 */
export function parseJamCase(raw: unknown, { points = true } = {}): JamCase {
  if (!isObject(raw)) throw new InputError('(top level)', 'must be a JSON object with keys mge_lum, mge_pot, inc_deg, beta_z, distance_mpc, x, y');
  checkKeys(raw, [...REQUIRED, ...OPTIONAL], '');
  if (points && raw.x === undefined && raw.y === undefined) {
    // A map input (no sky points, e.g. fixtures/examples/demo-galaxy.json) given to `jamfit jam`.
    throw new InputError('x, y', 'are missing: this file has no sky points, so it is a map input; render it as a map with `jamfit map --input <this file>` (or `jamfit demo` for the bundled example), or add "x": [..], "y": [..] in arcsec to evaluate V_rms at points');
  }
  for (const k of REQUIRED) {
    if (raw[k] === undefined && (points || (k !== 'x' && k !== 'y'))) throw new InputError(k, 'is missing; it is required');
  }
  for (const k of ['mge_lum', 'mge_pot']) {
    if (!isObject(raw[k])) throw new InputError(k, 'must be an object {"surf": [..], "sigma": [..], "qobs": [..]}');
    checkKeys(raw[k] as Record<string, unknown>, MGE_KEYS, `${k}.`);
  }
  for (const k of ['x', 'y']) {
    if ((points || raw[k] !== undefined) && !Array.isArray(raw[k])) throw new InputError(k, 'must be an array of numbers (arcsec)');
  }
  if (raw.psf !== undefined) {
    if (!isObject(raw.psf)) throw new InputError('psf', 'must be an object {"sigma": [..], "weight": [..]} (arcsec)');
    checkKeys(raw.psf, PSF_KEYS, 'psf.');
  }
  if (raw.mode !== undefined && !MODES.includes(raw.mode as string)) {
    throw new InputError('mode', `is ${JSON.stringify(raw.mode)}; use ${MODES.map((m) => JSON.stringify(m)).join(' or ')} (or leave it out for "direct")`);
  }
  if (raw.align !== undefined) checkAlign(raw.align, 'align');
  if (raw.kappa !== undefined && typeof raw.kappa !== 'number' && !Array.isArray(raw.kappa)) {
    throw new InputError('kappa', `is ${JSON.stringify(raw.kappa)}; give a number or one number per luminous Gaussian`);
  }
  if (raw.kappa !== undefined && raw.align === 'sph') {
    throw new InputError('kappa', 'gives the first moment of the cylindrically aligned model; remove it or use "align": "cyl"');
  }
  if (raw.name !== undefined && typeof raw.name !== 'string') throw new InputError('name', `is ${JSON.stringify(raw.name)}; give a string label`);
  const num = (k: string) => raw[k] as number | undefined;
  const params: JamParams = {
    mgeLum: raw.mge_lum as JamParams['mgeLum'],
    mgePot: raw.mge_pot as JamParams['mgePot'],
    incDeg: num('inc_deg') as number,
    beta: raw.beta_z as number | number[],
    distanceMpc: num('distance_mpc') as number,
    ml: num('ml'),
    mbh: num('mbh'),
    rbh: num('rbh'),
  };
  const options: JamOptions = {
    psf: raw.psf as JamOptions['psf'],
    pixsize: num('pixsize'),
    pixang: num('pixang'),
    nodes: num('nodes'),
    mode: raw.mode as JamOptions['mode'],
    step: num('step'),
    nrad: num('nrad'),
    nang: num('nang'),
    align: raw.align as JamOptions['align'],
  };
  // A PSF whose dispersions are all 0 is "no PSF", the reference code's convention (sigmapsf = 0);
  // pixsize still applies then. Zero or negative weights are left to the library's checkPsf, which
  // refuses a PSF whose weights are all 0 and any single sigma of 0 next to positive ones.
  if (options.psf && Array.isArray(options.psf.sigma) && options.psf.sigma.length > 0 && options.psf.sigma.every((s) => s === 0)) {
    options.psf = undefined;
  }
  if (options.psf && options.mode !== undefined) {
    throw new InputError('mode', `is ${JSON.stringify(options.mode)} but a psf is given; mode chooses the evaluation without a PSF only (with a PSF the model is always computed on a polar grid and convolved), so remove "mode" or "psf"`);
  }
  return { params, x: (raw.x as number[]) ?? [], y: (raw.y as number[]) ?? [], options, kappa: raw.kappa as number | number[] | undefined };
}

/** Reads and parses a case file; errors are prefixed with the file name. */
export function readJamCase(path: string, opts: { points?: boolean } = {}): JamCase {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `is not valid JSON (${(e as Error).message})`);
  }
  return withFile(path, () => parseJamCase(raw, opts));
}

/** Runs fn, prefixing any InputError's location with the file name. */
export function withFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${path}: ${e.where}`, e.message.slice(e.where.length + 2));
    throw e;
  }
}
