/**
 * Which part of a survey one `jamfit batch` process fits, and the seed of each galaxy.
 *
 * Shard i of N (0-based, 0 <= i < N) fits the manifest's galaxies k with k mod N = i (k = 0, 1,
 * ... in manifest order), so N processes started with i = 0..N-1 cover the survey once, with
 * shares that differ by at most one galaxy. Where the shard comes from, first found wins:
 *   1. `--shard i/N`;
 *   2. Slurm job arrays: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, the index taken relative
 *      to SLURM_ARRAY_TASK_MIN (default 0), so `--array=0-9` and `--array=1-10` both work;
 *   3. Kubernetes indexed jobs: JOB_COMPLETION_INDEX (0-based) with the count from `--shard-count`
 *      or JAMFIT_SHARD_COUNT (Kubernetes does not export the completions count itself);
 *   4. none: the whole survey (the same as `--shard 0/1`).
 * An explicit `--shard` overrides the environment, so `--shard 0/1` inside an array task still
 * collects the whole survey.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.ts';

export interface Shard {
  index: number;
  count: number;
  /** Where it came from, for the log: '--shard', 'SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX' or 'none'. */
  source: string;
}

function whole(where: string, s: string, what: string): number {
  const t = s.trim();
  if (!/^\d+$/.test(t)) throw new InputError(where, `is '${s}'; give ${what}`);
  return Number(t);
}

function checked(index: number, count: number, source: string, where: string, hint = ''): Shard {
  if (count < 1) throw new InputError(where, `gives ${count} shards; give at least 1`);
  if (index >= count) throw new InputError(where, `gives shard ${index} of ${count}; shards are numbered 0..${count - 1}${hint}`);
  return { index, count, source };
}

/**
 * Resolves the shard (see the module comment).
 * @param shard - the `--shard` value 'i/N', or undefined.
 * @param shardCount - the `--shard-count` value (for JOB_COMPLETION_INDEX), or undefined.
 * @param env - the environment (process.env in the CLI; explicit in tests).
 * @throws InputError naming the option or variable when a value is malformed or out of range.
 */
export function resolveShard(shard: string | undefined, shardCount: number | undefined, env: Record<string, string | undefined>): Shard {
  if (shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(shard);
    if (!m) throw new InputError('shard', `is '${shard}'; give i/N, e.g. --shard 0/4 (shards 0..N-1)`);
    return checked(Number(m[1]), Number(m[2]), '--shard', 'shard');
  }
  const slurm = env.SLURM_ARRAY_TASK_ID;
  if (slurm !== undefined && slurm !== '') {
    const id = whole('SLURM_ARRAY_TASK_ID', slurm, 'the array index (an integer)');
    const countText = env.SLURM_ARRAY_TASK_COUNT;
    if (countText === undefined || countText === '') throw new InputError('SLURM_ARRAY_TASK_COUNT', 'is not set while SLURM_ARRAY_TASK_ID is; run inside a Slurm job array, or pass --shard i/N');
    const count = whole('SLURM_ARRAY_TASK_COUNT', countText, 'the number of array tasks');
    const min = env.SLURM_ARRAY_TASK_MIN ? whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN, 'the first array index') : 0;
    if (id < min) throw new InputError('SLURM_ARRAY_TASK_ID', `is ${id}, below SLURM_ARRAY_TASK_MIN ${min}`);
    // An array with a step (--array=0-99:10) or gaps has indices that do not map onto 0..N-1.
    return checked(id - min, count, 'SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_ID', ` (the index minus SLURM_ARRAY_TASK_MIN ${min}); use a contiguous array, e.g. --array=0-${count - 1}`);
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== '') {
    const index = whole('JOB_COMPLETION_INDEX', k8s, 'the completion index (an integer)');
    let count = shardCount;
    // `where` names the parameter for the error; `from` is what the user set, for the message text.
    let where = 'shard_count';
    let from = '--shard-count';
    if (count === undefined && env.JAMFIT_SHARD_COUNT) {
      count = whole('JAMFIT_SHARD_COUNT', env.JAMFIT_SHARD_COUNT, 'the number of shards (the job\'s completions)');
      where = from = 'JAMFIT_SHARD_COUNT';
    }
    if (count === undefined) throw new InputError('shard_count', 'is needed with JOB_COMPLETION_INDEX; give the indexed job\'s completions (or set JAMFIT_SHARD_COUNT)');
    if (!Number.isInteger(count)) throw new InputError(where, `is ${count}; give an integer`);
    return checked(index, count, 'JOB_COMPLETION_INDEX', 'JOB_COMPLETION_INDEX', ` (the count from ${from})`);
  }
  if (shardCount !== undefined) throw new InputError('shard_count', 'applies only with JOB_COMPLETION_INDEX set; use --shard i/N otherwise');
  return { index: 0, count: 1, source: 'none' };
}

/** Whether the k-th galaxy of the manifest (0-based) belongs to `shard`. */
export function inShard(k: number, shard: Shard): boolean {
  return k % shard.count === shard.index;
}

/**
 * The seed of one galaxy's fit: the first 48 bits of sha256("jamfit-batch:<seed>:<name>") as an
 * integer in [0, 2^48). It depends only on the batch's --seed and the galaxy's name, so a galaxy
 * gets the same chain whatever its shard, its row in the manifest or the number of workers, and
 * `jamfit fit ... --seed <that value>` (printed in the galaxy's fit.log and the table's `seed`
 * column) reproduces it alone. 48 bits keep it an exact double and make two galaxies of a
 * 10^4-galaxy survey share a seed with probability ~ 10^8 / 2^49 ~ 2e-7.
 */
export function galaxySeed(seed: number, name: string): number {
  return Number.parseInt(createHash('sha256').update(`jamfit-batch:${seed}:${name}`).digest('hex').slice(0, 12), 16);
}
