import { InputError } from '../../core/errors.ts';
import { runBatch } from '../batch/batch.ts';
import type { FitOptions } from '../fit/fit.ts';
import type { OptionSpec } from './args.ts';
import { defineCommand } from './command.ts';
import { fitOptions } from './cmd-fit.ts';

/** Fit options that a manifest row gives per galaxy (or that the batch redefines). */
const NOT_FOR_BATCH = new Set(['photometry', 'out', 'distance', 'pa', 'x0', 'y0', 'vsys', 'mask', 'workers', 'seed']);
const passed = Object.fromEntries(Object.entries(fitOptions).filter(([k]) => !NOT_FOR_BATCH.has(k))) as Record<string, OptionSpec>;

const options = {
  out: { type: 'string', alias: 'o', description: 'survey folder: DIR/<name>/ per galaxy, DIR/summary.{csv,arrow} (required)' },
  plots: { type: 'string', description: 'per-galaxy corner and maps plots: none or all', default: 'none' },
  workers: { type: 'number', description: 'galaxies fitted at once (default: the available cores)' },
  shard: { type: 'string', description: 'fit only shard i of N (0-based), i.e. manifest rows i, i+N, ... (default: SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX, else all)' },
  'shard-count': { type: 'number', description: 'number of shards with JOB_COMPLETION_INDEX (Kubernetes indexed jobs; or JAMFIT_SHARD_COUNT)' },
  lockstep: { type: 'string', description: 'auto, off or G: fit groups of G galaxies together, one group per worker, one network call per half-step for the whole group (auto: 64 in one thread where tfjs-node-gpu is installed, else off)', default: 'auto' },
  seed: { type: 'number', description: 'batch seed (integer); a galaxy\'s seed is derived from it and the galaxy\'s name', default: 1 },
  ...passed,
} as const;

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export const batchCommand = defineCommand({
  summary: 'Fit every galaxy of a manifest (name,kinematics,photometry,distance_mpc[,pa_deg,psf_sigma,...]) into DIR/<name>/ and one results table: jamfit batch <manifest.csv> --out DIR.',
  options,
  async run(a, io) {
    if (a._.length !== 1) throw new InputError('manifest', `give exactly one manifest CSV (got ${a._.length}): jamfit batch <manifest.csv> --out DIR`);
    const fit: Partial<FitOptions> = {};
    const args = a as unknown as Record<string, unknown>;
    for (const k of Object.keys(passed)) if (args[k] !== undefined) (fit as Record<string, unknown>)[camel(k)] = args[k];
    const r = await runBatch({ manifest: a._[0], out: a.out, plots: a.plots, workers: a.workers, shard: a.shard, shardCount: a['shard-count'], seed: a.seed, lockstep: a.lockstep, fit }, io, process.env);
    const done = r.inShard - r.failures.length;
    io.out(`batch: ${done} done, ${r.failures.length} failed of ${r.inShard}; fitted ${r.attempted} in ${r.seconds.toFixed(1)} s; tables ${r.tables.join(', ')}`);
    for (const f of r.failures) io.err(`jamfit batch: ${f.name} failed: ${f.error}`);
    // 1, not 2: the batch ran; some galaxies' inputs or fits failed (the table says which).
    return r.failures.length > 0 ? 1 : 0;
  },
});
