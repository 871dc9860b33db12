/**
 * A fit's run folder: whether a command resumes it (config.json compared option by option), and
 * a mock's truth.json read for the corner plot.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { FitConfig } from './fit-options.ts';

const COMPARED: (keyof FitConfig)[] = ['kinematics', 'photometry', 'distance_mpc', 'pa_deg', 'centre', 'vsys', 'mask', 'psf', 'pixsize', 'mass_model', 'mbh', 'engine', 'table_tol', 'surrogate_model', 'align', 'beta_groups', 'mbh_range', 'self_check', 'seed', 'walkers', 'steps', 'max_steps', 'ml_mode', 'prior_inc', 'ranges', 'halo', 'data_fingerprint', 'systematics', 'likelihood', 'nu', 'sys_range', 'clip', 'clip_rounds', 'rmax'];

/**
 * Whether `dir` holds a fit started with the same options and data (true: resume it), or is
 * absent or empty (false: start). @throws InputError naming the file when another fit or other
 * files are there.
 */
export function checkResume(dir: string, cfg: FitConfig): boolean {
  const f = join(dir, 'config.json');
  if (!existsSync(f)) {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new InputError('out', `${dir} exists and is not a jamfit run folder (no config.json); choose another --out`);
    return false;
  }
  let old: FitConfig;
  try {
    old = JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    throw new InputError(f, 'is not valid JSON; remove the run folder or choose another --out');
  }
  for (const k of COMPARED) {
    const a = JSON.stringify(old[k]);
    const b = JSON.stringify(cfg[k]);
    if (a !== b) {
      const what = k === 'data_fingerprint' ? 'the data files (bins, photometry) differ' : `${k} was ${a}, now ${b}`;
      throw new InputError(f, `this run folder was started with other options: ${what}; resume with the same command or choose another --out`);
    }
  }
  return true;
}

/** The parameters of a mock's truth.json (src/run/mock.ts MockTruthFile), by reported name. */
export function readTruth(file: string): Record<string, number> {
  let t: { parameters?: Record<string, unknown> };
  try {
    t = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('truth', `${file}: ${(e as Error).message.split('\n')[0]}; give a truth.json written by jamfit mock`);
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.parameters ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  if (Object.keys(out).length === 0) throw new InputError('truth', `${file} has no numeric "parameters"; give a truth.json written by jamfit mock`);
  return out;
}
