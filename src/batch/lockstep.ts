/**
 * `jamfit batch --lockstep`: groups of G galaxies, each group fitted at once in one thread, their
 * samplers' proposals sent to the surrogate's network together, one call per half-step for the
 * whole group (src/surrogate/shared-engine.ts). This is the GPU's mode: one big matrix product
 * instead of G small ones (on a GPU: one thread, calls padded to one shape). With several
 * workers each runs its own groups (consecutive galaxies of the manifest, lockstepGroups).
 *
 * Results: a galaxy's chain depends on its options, seed and name only, never on which galaxies
 * share its calls (rows are independent in the engines; GPU calls are padded to one shape). The
 * lockstep path applies the operator in float64 after a full-grid network call, the per-galaxy
 * path inside the engine in float32, so the two paths agree to float32 rounding, not bit for bit:
 * compare tables within one path.
 */
import { InputError } from '../../core/errors.ts';
import { cachedSurrogate } from '../fit/fit-problem.ts';
import type { FitOptions } from '../fit/fit.ts';
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
 * @returns null when off.
 * @throws InputError naming --lockstep for a bad value, or with --exact.
 */
export function resolveLockstep(v: string | number | undefined, fit: Partial<FitOptions>, gpu = nativeTfInstalled('@tensorflow/tfjs-node-gpu')): Lockstep | null {
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
    if (!(Number.isInteger(group) && group >= 2)) throw new InputError('lockstep', `is '${s}'; give auto, off, or the number of galaxies sharing each network call (an integer >= 2)`);
    why = '--lockstep';
  }
  if (fit.exact) throw new InputError('lockstep', 'shares the surrogate network between galaxies; --exact fits have none (drop --lockstep or --exact)');
  return { group, gpu, why };
}

/** What a worker receives for a lockstep group (plain data: it crosses threads). */
export interface GroupTask {
  group: GalaxyTask[];
  lockstep: Lockstep;
  walkers: number;
}

export interface LockstepStats {
  engine: string;
  calls: number;
  rows: number;
  paddedRows: number;
}

/**
 * Fits `tasks` with at most l.group in flight, in the given order, sharing one engine.
 * @returns the engine's call statistics, or null when there was nothing to fit.
 */
export async function runLockstep(tasks: GalaxyTask[], l: Lockstep, walkers: number, each: (r: GalaxyResult) => void): Promise<LockstepStats | null> {
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

/** A worker's lockstep group (./worker.mjs): its galaxies' results in completion order, and the engine's statistics. */
export async function fitGroup(t: GroupTask): Promise<{ results: GalaxyResult[]; stats: LockstepStats | null }> {
  const results: GalaxyResult[] = [];
  const stats = await runLockstep(t.group, t.lockstep, t.walkers, (r) => results.push(r));
  return { results, stats };
}

/**
 * Consecutive groups of at most l.group galaxies, small enough that every one of `workers`
 * threads gets one: ceil(n / workers) when that is smaller.
 */
export function lockstepGroups(tasks: GalaxyTask[], l: Lockstep, workers: number): GalaxyTask[][] {
  const size = Math.max(1, Math.min(l.group, Math.ceil(tasks.length / workers)));
  const out: GalaxyTask[][] = [];
  for (let i = 0; i < tasks.length; i += size) out.push(tasks.slice(i, i + size));
  return out;
}
