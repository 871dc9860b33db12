/**
 * `jamfit batch`: fits every galaxy of a survey manifest (./manifest.ts) into DIR/<name>/ (the
 * run folder of `jamfit fit`), several galaxies at once on a piscina pool (one fit, with one
 * likelihood thread, per worker; or with --lockstep one group of galaxies sharing the network's
 * calls per worker, ./lockstep.ts), then writes the results table (./table.ts).
 *
 * Guarantees and how they are kept:
 *  - A galaxy's result depends only on the fit options, --seed and its name: its seed is
 *    galaxySeed(seed, name) (./shard.ts) and its fit is a runFit of its own, whose chain does
 *    not depend on the thread it runs in; the table is read back from disk in manifest order.
 *  - Killed at any moment and started again, a batch refits no finished galaxy (its batch.json
 *    marker, ./fit-galaxy.ts) and loses none (an unfinished one resumes from its checkpoint).
 *  - A bad galaxy (files missing or malformed, a fit that fails) is a 'failed' row with its
 *    one-line error and the batch goes on; the batch itself is refused (InputError, nothing
 *    written) only for a bad manifest, bad batch options, or a fit option that fails the first
 *    galaxy to be fitted while coming from the command line (it would fail every galaxy).
 *  - Shards: shard i of N fits galaxies i, i+N, ... Shards share DIR safely because each galaxy's
 *    folder is written by its one shard only and each shard writes only its own table,
 *    DIR/shards/summary-<i>-of-<N>.{csv,arrow} (its galaxies' rows). DIR/summary.{csv,arrow},
 *    the whole survey, is written only by an unsharded run: run one after the array (it fits what
 *    no shard finished and collects the rest). Two runs must not fit the same galaxy at the
 *    same time (two unsharded runs, or one next to the shards): nothing locks a galaxy's folder.
 */
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { InputError } from '../../core/errors.ts';
import { prepareFit, type FitOptions } from '../fit/fit.ts';
import { fitGalaxy, finishedMarker, type GalaxyResult, type GalaxyTask } from './fit-galaxy.ts';
import { readManifest, type ManifestEntry } from './manifest.ts';
import { createBatchProgress } from './progress.ts';
import { lockstepGroups, resolveLockstep, runLockstep, type GroupTask, type Lockstep, type LockstepStats } from './lockstep.ts';
import { galaxySeed, inShard, resolveShard, type Shard } from './shard.ts';
import { doneRow, failedRow, writeTables, type Failure, type Row } from './table.ts';
import { writeSurveyPage } from '../report/survey-page.ts';

export interface BatchOptions {
  manifest: string;
  out?: string;
  /** 'none' (default: a survey wants numbers) or 'all' (corner and maps per galaxy). */
  plots?: string;
  /** Galaxies fitted at once, >= 1 (default: the available cores). */
  workers?: number;
  /** 'i/N' (see ./shard.ts), else the environment. */
  shard?: string;
  shardCount?: number;
  /** The batch seed (integer >= 0, default 1); each galaxy's derives from it and its name. */
  seed?: number;
  /** Fit options for every galaxy (the manifest's optional columns override them per galaxy). */
  fit?: Partial<FitOptions>;
  /**
   * 'auto' (default: on, 64 galaxies in one thread, where tfjs-node-gpu is installed; else off),
   * 'off', or G >= 2: groups of G galaxies, one group per worker, each group with ONE network call
   * per half-step for all of its galaxies (./lockstep.ts). Surrogate fits only.
   */
  lockstep?: string | number;
  /** Called once per galaxy fitted in this run, in completion order (the benchmark times them). */
  onGalaxy?: (r: GalaxyResult) => void;
}

export interface BatchOutcome {
  shard: Shard;
  /** Galaxies in the manifest, in this shard, fitted in this run (done or failed), already finished. */
  total: number;
  inShard: number;
  attempted: number;
  skipped: number;
  failures: Failure[];
  /** The table files written. */
  tables: string[];
  /** With --lockstep, the shared engines' network calls in this run (null otherwise, or nothing fitted). */
  lockstep: LockstepStats | null;
  seconds: number;
}

export interface BatchIO {
  out(s: string): void;
  err(s: string): void;
}

/** Fit options that come from the manifest (never from the batch's command line). */
const PER_GALAXY = ['kinematics', 'photometry', 'distance', 'out'] as const;

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The `jamfit fit` arguments equivalent to a galaxy's options (its fit.log records them). */
function fitArgv(o: FitOptions): string[] {
  const argv = [o.kinematics, '--photometry', o.photometry!, '--distance', String(o.distance), '--out', o.out!];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === false || (PER_GALAXY as readonly string[]).includes(k) || ['argv', 'plots', 'progress', 'workers'].includes(k)) continue;
    argv.push(`--${kebab(k)}`, ...(v === true ? [] : [String(v)]));
  }
  return argv;
}

function galaxyTask(e: ManifestEntry, dir: string, seed: number, plots: boolean, fit: Partial<FitOptions>): GalaxyTask {
  const options: FitOptions = {
    ...fit,
    ...e.overrides,
    kinematics: e.kinematics,
    photometry: e.photometry,
    distance: e.distanceMpc,
    out: join(dir, e.name),
    seed: galaxySeed(seed, e.name),
    workers: 1,
    plots,
    progress: false,
  };
  options.argv = fitArgv(options);
  return { name: e.name, options };
}

/**
 * Refuses the batch when the first galaxy to fit fails on a fit option that the command line
 * (or a default) set for every galaxy: it would fail them all. Its own data's problems, and
 * options its manifest row set, are its failure only.
 */
function preflight(task: GalaxyTask, overrides: Partial<FitOptions>): void {
  try {
    prepareFit(task.options);
  } catch (e) {
    if (!(e instanceof InputError)) return;
    // The library names the option's parameter (walkers, mass_model) or, for older sites, its flag.
    const flag = e.where.startsWith('--') ? e.where.slice(2) : e.where.replace(/_/g, '-');
    if (!/^[a-z][a-z0-9-]*$/.test(flag)) return; // a file, row or field: this galaxy's data
    const isOption = Object.keys(task.options).some((k) => kebab(k) === flag);
    const fromRow = Object.keys(overrides).some((k) => kebab(k) === flag) || (PER_GALAXY as readonly string[]).includes(flag);
    if (isOption && !fromRow) throw new InputError(e.where, `${e.message.slice(e.where.length + 2)} (checked on galaxy ${task.name}; the option applies to every galaxy)`);
  }
}

/** The result of a galaxy whose worker thread died (out of memory, a native crash): it alone is lost. */
function workerFailed(name: string, err: unknown): GalaxyResult {
  return { name, status: 'failed', error: `worker failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`, resumed: false, seconds: 0, msPerStep: NaN };
}

/** Runs every task on a pool of `threads` piscina workers (./worker.mjs), reporting each as it ends. */
async function onPool<T, R>(threads: number, tasks: T[], done: (t: T, r: R) => void, failed: (t: T, err: unknown) => void): Promise<void> {
  const pool = new Piscina({ filename: new URL('./worker.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  try {
    await Promise.all(tasks.map((t) => pool.run(t).then((r: R) => done(t, r), (err: unknown) => failed(t, err))));
  } finally {
    await pool.destroy();
  }
}

async function runAll(tasks: GalaxyTask[], workers: number, each: (r: GalaxyResult) => void): Promise<void> {
  if (tasks.length === 0) return;
  const threads = Math.min(workers, tasks.length);
  if (threads === 1) {
    // One at a time in this thread: no pool to start, same results (a fit is thread-independent).
    for (const t of tasks) each(await fitGalaxy(t));
    return;
  }
  await onPool<GalaxyTask, GalaxyResult>(threads, tasks, (_, r) => each(r), (t, err) => each(workerFailed(t.name, err)));
}

/**
 * Lockstep groups (./lockstep.ts) on at most `workers` threads: in this one when there is a single
 * group or worker, else one group per piscina task. Returns the engines' summed statistics.
 */
async function runAllLockstep(groups: GalaxyTask[][], l: Lockstep, workers: number, walkers: number, each: (r: GalaxyResult) => void): Promise<LockstepStats | null> {
  const threads = Math.min(workers, groups.length);
  if (threads <= 1) return runLockstep(groups.flat(), l, walkers, each);
  const sum: LockstepStats = { engine: '', calls: 0, rows: 0, paddedRows: 0 };
  const tasks: GroupTask[] = groups.map((group) => ({ group, lockstep: l, walkers }));
  await onPool<GroupTask, { results: GalaxyResult[]; stats: LockstepStats | null }>(
    threads,
    tasks,
    (_, r) => {
      for (const g of r.results) each(g);
      if (r.stats) {
        sum.engine = r.stats.engine;
        sum.calls += r.stats.calls;
        sum.rows += r.stats.rows;
        sum.paddedRows += r.stats.paddedRows;
      }
    },
    (t, err) => {
      for (const g of t.group) each(workerFailed(g.name, err));
    },
  );
  return sum;
}

/** "N network calls on ENGINE, R rows per call (P padding rows)": the log's account of a lockstep run. */
export function lockstepLine(st: LockstepStats): string {
  return `${st.calls} network calls on ${st.engine}, ${(st.rows / Math.max(st.calls, 1)).toFixed(1)} rows per call${st.paddedRows ? ` (${st.paddedRows} padding rows)` : ''}`;
}

/**
 * Runs (or resumes, or collects) a batch; see the module comment.
 * @param env - the environment the shard is read from (process.env in the CLI).
 * @throws InputError for a bad manifest or bad batch options, before anything is written.
 */
export async function runBatch(o: BatchOptions, io: BatchIO, env: Record<string, string | undefined> = process.env): Promise<BatchOutcome> {
  const t0 = performance.now();
  if (!o.out) throw new InputError('out', 'missing; give the survey folder, e.g. --out runs/survey');
  const plots = o.plots ?? 'none';
  if (plots !== 'none' && plots !== 'all') throw new InputError('plots', `is '${plots}'; use none or all`);
  const workers = o.workers ?? availableParallelism();
  if (!(Number.isInteger(workers) && workers >= 1)) throw new InputError('workers', `is ${workers}; give the number of galaxies to fit at once, an integer >= 1`);
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(seed) && seed >= 0)) throw new InputError('seed', `is ${seed}; give an integer >= 0`);
  const lockstep = resolveLockstep(o.lockstep, o.fit ?? {});
  const shard = resolveShard(o.shard, o.shardCount, env);
  const dir = resolve(o.out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError('out', `${o.out} is a file; give a folder`);
  const entries = readManifest(o.manifest);
  const mine = entries.filter((_, k) => inShard(k, shard));
  const tasks = mine.map((e) => galaxyTask(e, dir, seed, plots === 'all', o.fit ?? {}));
  const todo = tasks.filter((t) => finishedMarker(t) === null);
  if (todo.length > 0) preflight(todo[0], mine[tasks.indexOf(todo[0])].overrides);

  mkdirSync(dir, { recursive: true });
  const skipped = tasks.length - todo.length;
  const where = shard.count > 1 ? `shard ${shard.index}/${shard.count} (${shard.source}): ` : '';
  // A GPU's lockstep runs in one thread: one device, one big call.
  const lsWorkers = lockstep?.gpu ? 1 : workers;
  const groups = lockstep ? lockstepGroups(todo, lockstep, lsWorkers) : null;
  const threads = Math.min(lsWorkers, groups ? groups.length : todo.length);
  const how = `${lockstep ? `in lockstep, up to ${lockstep.group} galaxies per network call (${lockstep.why}), ` : ''}with ${Math.max(threads, 1)} worker(s)`;
  io.out(`batch: ${where}${tasks.length} of ${entries.length} galaxies, ${skipped} already finished, ${todo.length} to fit ${how}`);
  const bar = createBatchProgress(tasks.length, skipped);
  const failed = new Map<string, string>();
  let n = skipped;
  const each = (r: GalaxyResult) => {
    n++;
    o.onGalaxy?.(r);
    if (r.status === 'failed') failed.set(r.name, r.error!);
    if (bar) bar.tick(r.status === 'failed');
    else io.out(`  [${n}/${tasks.length}] ${r.name}: ${r.status === 'done' ? `done in ${r.seconds.toFixed(1)} s${r.resumed ? ' (resumed)' : ''}` : `FAILED: ${r.error}`}`);
  };
  let st: LockstepStats | null = null;
  if (lockstep && groups) {
    st = await runAllLockstep(groups, lockstep, lsWorkers, o.fit?.walkers ?? 32, each);
    if (st) io.out(`batch: lockstep: ${lockstepLine(st)}`);
  } else await runAll(todo, workers, each);
  bar?.stop();

  const rows: Row[] = [];
  const failures: Failure[] = [];
  for (const t of tasks) {
    const error = failed.get(t.name);
    if (error === undefined && finishedMarker(t)) rows.push(doneRow(t.name, t.options.out!));
    else {
      const f = { name: t.name, seed: t.options.seed!, error: error ?? 'not finished (no complete batch.json and summary.json after the fit)' };
      failures.push(f);
      rows.push(failedRow(f));
    }
  }
  const base = shard.count > 1 ? join(dir, 'shards', `summary-${shard.index}-of-${shard.count}`) : join(dir, 'summary');
  const tables = writeTables(rows, base);
  // The survey page reads the complete table: an unsharded run's summary.csv.
  if (shard.count <= 1) tables.push(writeSurveyPage(dir));
  return { shard, total: entries.length, inShard: tasks.length, attempted: todo.length, skipped, failures, tables, seconds: (performance.now() - t0) / 1000, lockstep: st };
}
