/**
 * `jamfit fit --config galaxy.toml`: a TOML file (src/data/toml.ts) of the command's options.
 *  - Keys are the long option names (`mass-model = "light"`, `psf-sigma = [1.06]`, `steps = 3000`,
 *    `exact = true`), plus `kinematics` for the data file (the positional argument).
 *  - Types follow the option spec (src/cli/args.ts): a number option takes a TOML number, a
 *    boolean option true/false, a string option a string, a number (`pa = -54`) or a list of
 *    numbers or strings, joined with commas as on the command line (`psf-sigma = [1.06, 2]` is
 *    `--psf-sigma 1.06,2`).
 *  - Paths (kinematics, photometry, truth, out) are relative to the config file's folder; the
 *    input files must exist.
 *  - Flags on the command line override the file. A flag counts as given when its value differs
 *    from the option's default or it appears in this process's argv after the command word
 *    (so `--seed 1` given explicitly beats `seed = 5` in the file).
 *  - An unknown key, a wrong type or a missing file is an InputError naming the file, the line and
 *    the key: one line, exit code 2, before anything is written.
 * `resolvedConfigToml` writes the configuration a fit ran with (every option with its value,
 * paths absolute), which `--config` reads back to the same fit: the run folder's config.toml.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { parseToml, TomlError, tomlLiteral, type TomlValue } from '../data/toml.ts';
import type { OptionSpecs } from './args.ts';

/** Option names whose values are paths (resolved against the config file's folder). */
export const PATH_OPTIONS = new Set(['kinematics', 'photometry', 'truth', 'out']);
/** Paths that must exist (inputs). */
const INPUT_PATHS = new Set(['kinematics', 'photometry', 'truth']);
/** Keys that a config file cannot set. */
const NOT_IN_FILE = new Set(['config', 'help']);

type Args = Record<string, unknown> & { _: string[] };

function closest(key: string, names: string[]): string | null {
  const d = (a: string, b: string) => {
    const m = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) m[0][j] = j;
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) m[i][j] = Math.min(m[i - 1][j] + 1, m[i][j - 1] + 1, m[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return m[a.length][b.length];
  };
  let best: string | null = null;
  let bd = Infinity;
  for (const n of names) {
    const v = d(key.replace(/_/g, '-'), n);
    if (v < bd) [best, bd] = [n, v];
  }
  return bd <= Math.max(2, key.length / 3) ? best : null;
}

const typeName = (v: TomlValue) => (Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : 'a boolean');

/**
 * Reads `file` into option values for `specs` (plus `kinematics`), checked and with paths resolved.
 * @throws InputError `file:line: key 'k': problem` (or `file: ...` when it cannot be read).
 */
export function readConfigFile(file: string, specs: OptionSpecs): Record<string, string | number | boolean> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot read the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let entries;
  try {
    entries = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) throw new InputError(`${file}:${e.line}`, e.message.replace(/^line \d+: /, ''));
    throw e;
  }
  const base = dirname(resolve(file));
  const known = ['kinematics', ...Object.keys(specs).filter((k) => !NOT_IN_FILE.has(k))];
  const out: Record<string, string | number | boolean> = {};
  for (const [key, { value, line }] of entries) {
    const where = `${file}:${line}`;
    const bad = (m: string) => new InputError(where, `key '${key}': ${m}`);
    if (NOT_IN_FILE.has(key)) throw bad('cannot be set in a config file');
    const spec = key === 'kinematics' ? ({ type: 'string', description: 'kinematics file' } as const) : specs[key];
    if (!spec) {
      const hint = closest(key, known);
      throw bad(`unknown option${hint ? `; did you mean '${hint}'?` : ''} (keys are the long options of jamfit fit, e.g. mass-model, psf-sigma, steps; and kinematics)`);
    }
    let v: string | number | boolean;
    if (spec.type === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`must be a finite number (${spec.description}), not ${typeName(value)}${typeof value === 'string' ? ` "${value}"` : ''}`);
      v = value;
    } else if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') throw bad(`must be true or false (${spec.description}), not ${typeName(value)}`);
      v = value;
    } else {
      if (typeof value === 'boolean') throw bad(`must be a string${PATH_OPTIONS.has(key) ? ' (a path)' : ', a number or a list'} (${spec.description}), not a boolean`);
      if (Array.isArray(value)) {
        if (PATH_OPTIONS.has(key)) throw bad('must be one path (a string), not a list');
        if (value.length === 0) throw bad('is an empty list');
        if (!value.every((x) => (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'string')) throw bad('a list must hold only finite numbers or strings');
        v = value.map((x) => String(x)).join(',');
      } else if (typeof value === 'number') {
        if (PATH_OPTIONS.has(key)) throw bad('must be a path (a string), not a number');
        if (!Number.isFinite(value)) throw bad(`must be finite, not ${value}`);
        v = String(value);
      } else v = value;
      if (PATH_OPTIONS.has(key)) {
        if (v === '') throw bad('is an empty path');
        v = isAbsolute(v) ? v : resolve(base, v);
        if (INPUT_PATHS.has(key) && !existsSync(v)) throw bad(`no such file: ${v}`);
      }
    }
    out[key] = v;
  }
  return out;
}

/** Whether option `key` was given on the command line (see the module header). */
function givenOnCommandLine(key: string, a: Args, specs: OptionSpecs, argv: readonly string[]): boolean {
  const spec = specs[key];
  if (a[key] === undefined) return false;
  if (spec.default === undefined || a[key] !== spec.default) return true;
  const alias = spec.alias ? `-${spec.alias}` : null;
  return argv.some((t) => t === `--${key}` || t.startsWith(`--${key}=`) || (alias !== null && t === alias));
}

/**
 * The command's arguments with the config file `a.config` merged in under the command line's flags.
 * @param argv the command line after the command word (process.argv.slice(3) for `jamfit fit ...`).
 * @throws InputError as readConfigFile.
 */
export function applyConfigFile<A extends Args>(a: A, specs: OptionSpecs, file: string, argv: readonly string[] = process.argv.slice(3)): A {
  const fromFile = readConfigFile(file, specs);
  const merged: Args = { ...a, _: [...a._] };
  for (const [key, v] of Object.entries(fromFile)) {
    if (key === 'kinematics') {
      if (merged._.length === 0) merged._.push(v as string);
      continue;
    }
    if (!givenOnCommandLine(key, a, specs, argv)) merged[key] = v;
  }
  return merged as A;
}

/**
 * config.toml of a run: every option of `specs` with a value in `a` (paths absolute) and the
 * kinematics file, as TOML that `--config` reads back to the same fit.
 */
export function resolvedConfigToml(a: Args, specs: OptionSpecs, header = ''): string {
  const lines = header ? header.split('\n').map((l) => `# ${l}`) : [];
  if (a._[0] !== undefined) lines.push(`kinematics = ${tomlLiteral(resolve(a._[0]))}`);
  for (const key of Object.keys(specs)) {
    if (NOT_IN_FILE.has(key)) continue;
    const v = a[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
    lines.push(`${key} = ${tomlLiteral(PATH_OPTIONS.has(key) && typeof v === 'string' ? resolve(v) : v)}`);
  }
  return lines.join('\n') + '\n';
}
