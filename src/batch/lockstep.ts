/**
 * `jamfit batch --lockstep`: G galaxies fitted at once in this thread, their samplers' proposals
 * sent to the surrogate's network together, one call per half-step for all of them
 * (src/surrogate/shared-engine.ts). This is the GPU's mode: one big matrix product instead of G
 * small ones. On a CPU it gains little (measured: 4.7 -> 4.0 us per model from batch 16 to 128)
 * and one thread does all the work, so the default is on only where tfjs-node-gpu is installed.
 *
 * Results: a galaxy's chain depends on its options, seed and name only, never on which galaxies
 * share its calls (rows are independent in the engines; GPU calls are padded to one shape). The
 * lockstep path applies the operator in float64 after a full-grid network call, the per-galaxy
 * path inside the engine in float32, so the two paths agree to float32 rounding, not bit for bit:
 * compare tables within one path.
 */
import { InputError } from '../../core/errors.ts';
import { cachedSurrogate } from '../run/fit-problem.ts';
import type { FitOptions } from '../run/fit.ts';
import { nativeTfInstalled } from '../surrogate/backends.ts';
import { bestEngine, createEngine } from '../surrogate/engine.ts';
import { foldMlp } from '../surrogate/folded.ts';
import { SHIPPED_DIR } from '../surrogate/model-files.ts';
import { createSharedEngine } from '../surrogate/shared-engine.ts';
import { fitGalaxy, type GalaxyResult, type GalaxyTask } from './fit-galaxy.ts';

export interface Lockstep {
  /** Galaxies in flight at once (>= 2). */
  group: number;
  /** Whether the network runs on tfjs-node-gpu (calls then padded to one shape). */
  gpu: boolean;
  /** Why lockstep is on, for the log. */
  why: string;
}

/** Galaxies per network call with `--lockstep auto` on a GPU. */
export const GPU_GROUP = 64;


/**
 * @param v  'auto' | 'off' | an integer >= 2 (a string from the command line, or a number).
 * @param workers  --workers as given (undefined: not given).
 * @returns null when off.
 * @throws InputError naming --lockstep for a bad value, with --exact, or with --workers > 1.
 */
export function resolveLockstep(v: string | number | undefined, fit: Partial<FitOptions>, workers: number | undefined, gpu = nativeTfInstalled('@tensorflow/tfjs-node-gpu')): Lockstep | null {
  const s = String(v ?? 'auto').trim();
  let group: number;
  let why: string;
  if (s === 'off') return null;
  if (s === 'auto') {
    if (!gpu || fit.exact) return null;
    group = GPU_GROUP;
    why = 'auto: tfjs-node-gpu is installed';
  } else {
    group = Number(s);
    if (!(Number.isInteger(group) && group >= 2)) throw new InputError('--lockstep', `is '${s}'; give auto, off, or the number of galaxies sharing each network call (an integer >= 2)`);
    why = '--lockstep';
  }
  if (fit.exact) throw new InputError('--lockstep', 'shares the surrogate network between galaxies; --exact fits have none (drop --lockstep or --exact)');
  if (workers !== undefined && workers > 1) throw new InputError('--lockstep', `fits its galaxies in one thread; --workers ${workers} does not apply (drop one of them)`);
  return { group, gpu, why };
}

/**
 * Fits `tasks` with at most l.group in flight, in manifest order, sharing one engine.
 * @returns the engine's call statistics, or null when there was nothing to fit.
 */
export async function runLockstep(tasks: GalaxyTask[], l: Lockstep, walkers: number, each: (r: GalaxyResult) => void): Promise<{ engine: string; calls: number; rows: number; paddedRows: number } | null> {
  if (tasks.length === 0) return null;
  const s = cachedSurrogate(SHIPPED_DIR);
  const fm = foldMlp(s.mlp, s.norm);
  const engine = l.gpu ? await createEngine('tfjs', fm) : await bestEngine(fm);
  const shared = createSharedEngine(engine, { fixedRows: l.gpu ? l.group * Math.ceil(walkers / 2) : 0 });
  try {
    let next = 0;
    const lane = async () => {
      while (next < tasks.length) each(await fitGalaxy(tasks[next++], { shared }));
    };
    await Promise.all(Array.from({ length: Math.min(l.group, tasks.length) }, lane));
    return { engine: shared.name, ...shared.stats() };
  } finally {
    shared.dispose();
  }
}
