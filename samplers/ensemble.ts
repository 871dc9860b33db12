/**
 * The affine-invariant ensemble sampler (Goodman & Weare 2010; Foreman-Mackey et al. 2013).
 *
 * Each step shuffles the walkers into two halves (as emcee's randomize_split), picks one move by
 * weight, and updates the first half against the second (held fixed), then the second against the
 * updated first. Each half is one evaluator call, so a batched or worker-pool likelihood sees one
 * batch per half. Every random number is drawn here, in the main thread, in an order that depends
 * only on the seed: propose (all walkers of the half), evaluate, then one uniform per walker for
 * the accept test. Hence serial, batched and worker-pool runs give bit-identical chains, and a run
 * resumed from a checkpoint continues to the same chain.
 *
 * Hot path: flat Float64Arrays allocated once; no object allocation per step.
 */
import { InputError, NumericalError } from '../core/errors.ts';
import { autoStopSettings, TauMonitor, type AutoStopOptions } from './autostop.ts';
import type { Backend } from './backends/backend.ts';
import { MemoryBackend } from './backends/memory.ts';
import type { Evaluator, LogProbBatchFn, LogProbFn } from './evaluate/evaluator.ts';
import { batchEvaluator, perWalkerEvaluator } from './evaluate/serial.ts';
import { acceptProposals, beginStep, checkEnsembleShape, checkStartLogProbs, firstHalfSize, prepareMoves, type EnsembleBuffers, type ProposalBuffers } from './kernel/step.ts';
import type { Move, WeightedMove } from './moves/move.ts';
import { createProgress, type ProgressOptions } from './progress.ts';
import { Rng } from './rng.ts';
import { strandedWalkers } from './reseat.ts';
import { checkDegenerate, toPositions } from './start.ts';
import type { SamplerState } from './state.ts';

export interface EnsembleSamplerOptions {
  /** Number of walkers, an integer >= 2 ndim (emcee's rule; more is cheap and helps). */
  nwalkers: number;
  /** Number of parameters, an integer >= 1. */
  ndim: number;
  /** Per-walker log-probability. Give exactly one of logProb, logProbBatch, evaluator. */
  logProb?: LogProbFn;
  /** Batched log-probability, called once per half-ensemble. */
  logProbBatch?: LogProbBatchFn;
  /** A custom evaluator, e.g. `workerPoolEvaluator({ module, exportName })`. */
  evaluator?: Evaluator;
  /** One move, or [move, weight] pairs (weights > 0, need not sum to 1). Default: stretch (a = 2). */
  moves?: Move | WeightedMove[];
  /**
   * Seed of the random stream; the same seed gives the same chain. Default: random. Ignored when
   * the backend holds a checkpoint: the saved RNG state continues instead.
   */
  seed?: number | string;
  /** Per-walker metadata values: a count, or their names. Default 0. */
  blobs?: number | string[];
  /** Parameter names, used in messages only. */
  names?: string[];
  /** Chain storage (default: a new MemoryBackend). A DiskBackend holding a checkpoint resumes. */
  backend?: Backend;
  /** Shuffle the halves every step, as emcee does by default (default true). */
  randomizeSplit?: boolean;
  /** Check the start for degeneracy (default true). Bad shapes and non-finite values are always rejected. */
  checkStart?: boolean;
}

export interface RunOptions {
  /** Progress bar on stderr (interactive use only; silent in CI or when stderr is not a terminal). */
  progress?: boolean | ProgressOptions;
  /**
   * Before the step that follows step `reseatAt` (an integer >= 1), move stranded walkers next to
   * good ones (samplers/reseat.ts). The steps up to `reseatAt` are then burn-in: discard them.
   * Resumable: a run continued from a checkpoint at that step makes the same move. Default: never.
   */
  reseatAt?: number;
  /** Stop early once the chain is long and tau is stable; `nsteps` is then the maximum. */
  autoStop?: boolean | AutoStopOptions;
  /** Abort between steps (the state is checkpointed first). */
  signal?: AbortSignal;
}

/**
 * Why a run ended: 'converged' (auto-stop's rule met), 'stuck-walkers' (auto-stop found walkers
 * that never moved, see `stuck`), 'aborted' (the signal), 'max-steps' (all `nsteps` taken).
 */
export type RunStatus = 'converged' | 'stuck-walkers' | 'aborted' | 'max-steps';

export interface RunResult {
  /** Total steps stored after this run. */
  iteration: number;
  /** Steps taken by this run. */
  steps: number;
  /** Why the run ended. */
  status: RunStatus;
  /** Walkers moved by `reseatAt` in this call (samplers/reseat.ts), in index order; [] when none. */
  reseated: number[];
  /** With autoStop: whether the stopping rule was met; otherwise null. */
  converged: boolean | null;
  /**
   * With status 'stuck-walkers': the stuck walkers (indices) and a one-line message naming them
   * and their positions; otherwise null.
   */
  stuck: { walkers: number[]; message: string } | null;
  /** Last tau estimate (autoStop or progress), per parameter, or null. */
  tau: number[] | null;
  /** Mean acceptance fraction over walkers, since step 0. */
  acceptance: number;
  /** NaN log-probabilities met so far (treated as -Infinity). */
  nanCount: number;
  /** Whether the run ended because `signal` aborted it. */
  aborted: boolean;
}

export interface ChainOptions {
  /** Leading steps to drop, integer in [0, iteration] (default 0). */
  discard?: number;
  /** Keep every thin-th step after discard, integer >= 1 (default 1). */
  thin?: number;
  /** Merge steps and walkers into one axis, row = step * nwalkers + walker (default false). */
  flat?: boolean;
}

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InputError(name, `must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

export class EnsembleSampler {
  readonly nwalkers: number;
  readonly ndim: number;
  readonly nblobs: number;
  readonly blobNames: string[] | undefined;
  readonly names: string[] | undefined;
  readonly backend: Backend;
  readonly evaluator: Evaluator;
  private readonly moves: readonly Move[];
  private readonly cumWeights: Float64Array;
  private readonly randomizeSplit: boolean;
  private readonly checkStart: boolean;
  private rng: Rng;
  // Current state and step buffers, allocated once.
  private readonly pos: Float64Array;
  private readonly lp: Float64Array;
  private readonly bl: Float64Array;
  private readonly prop: Float64Array;
  private readonly plp: Float64Array;
  private readonly pbl: Float64Array;
  private readonly factors: Float64Array;
  private readonly accepted: Float64Array;
  private readonly order: Int32Array;
  private readonly halves: [Int32Array, Int32Array];
  private readonly all: Int32Array;
  private readonly cur: EnsembleBuffers;
  private readonly proposed: ProposalBuffers;
  private nan = 0;
  private started = false;
  private broken: string | null = null;
  private bound = false;

  constructor(opts: EnsembleSamplerOptions) {
    if (!opts || typeof opts !== 'object') throw new InputError('options', 'pass { nwalkers, ndim, logProb | logProbBatch | evaluator }');
    const { nwalkers, ndim } = checkEnsembleShape(opts.nwalkers, opts.ndim);
    this.ndim = ndim;
    this.nwalkers = nwalkers;
    const given = [opts.logProb, opts.logProbBatch, opts.evaluator].filter((f) => f !== undefined).length;
    if (given !== 1) throw new InputError('logProb', `give exactly one of logProb, logProbBatch or evaluator (got ${given})`);
    if (opts.logProb !== undefined && typeof opts.logProb !== 'function') throw new InputError('logProb', 'must be a function (x, blob) => number');
    if (opts.logProbBatch !== undefined && typeof opts.logProbBatch !== 'function') throw new InputError('logProbBatch', 'must be a function (batch, n, blobs) => Float64Array');
    this.evaluator = opts.evaluator ?? (opts.logProb ? perWalkerEvaluator(opts.logProb) : batchEvaluator(opts.logProbBatch!));
    if (Array.isArray(opts.blobs)) {
      this.blobNames = opts.blobs.slice();
      this.nblobs = opts.blobs.length;
    } else {
      this.nblobs = checkInt('blobs', opts.blobs ?? 0, 0);
    }
    if (opts.names !== undefined && opts.names.length !== ndim) throw new InputError('names', `has ${opts.names.length} names; need ndim = ${ndim}`);
    this.names = opts.names?.slice();

    ({ moves: this.moves, cumWeights: this.cumWeights } = prepareMoves(opts.moves, nwalkers, ndim));

    this.randomizeSplit = opts.randomizeSplit ?? true;
    this.checkStart = opts.checkStart ?? true;
    this.rng = new Rng(opts.seed);

    this.pos = new Float64Array(nwalkers * ndim);
    this.lp = new Float64Array(nwalkers);
    this.bl = new Float64Array(nwalkers * this.nblobs);
    this.prop = new Float64Array(nwalkers * ndim);
    this.plp = new Float64Array(nwalkers);
    this.pbl = new Float64Array(nwalkers * this.nblobs);
    this.factors = new Float64Array(nwalkers);
    this.accepted = new Float64Array(nwalkers);
    this.order = new Int32Array(nwalkers);
    const h = firstHalfSize(nwalkers);
    this.halves = [this.order.subarray(0, h), this.order.subarray(h)];
    this.all = Int32Array.from({ length: nwalkers }, (_, i) => i);
    this.cur = { pos: this.pos, lp: this.lp, bl: this.bl, accepted: this.accepted };
    this.proposed = { x: this.prop, lp: this.plp, blobs: this.pbl, factors: this.factors };

    this.backend = opts.backend ?? new MemoryBackend();
    const saved = this.backend.lastState();
    if (saved) this.restore(saved);
  }

  /** Loads a checkpointed state (dimensions must match). */
  private restore(s: SamplerState): void {
    const d = this.backend.dims!;
    if (d.nwalkers !== this.nwalkers || d.ndim !== this.ndim || d.nblobs !== this.nblobs)
      throw new InputError('backend', `holds a chain with nwalkers ${d.nwalkers}, ndim ${d.ndim}, nblobs ${d.nblobs}; the sampler has ${this.nwalkers}, ${this.ndim}, ${this.nblobs}`);
    if (s.iteration !== this.backend.iteration) throw new NumericalError(`backend checkpoint is at step ${s.iteration} but holds ${this.backend.iteration} steps`);
    this.pos.set(s.positions);
    this.lp.set(s.logProb);
    this.bl.set(s.blobs);
    this.accepted.set(s.accepted);
    this.nan = s.nanCount;
    this.rng = new Rng(undefined, s.rng);
    this.started = true;
  }

  private bind(): void {
    if (this.bound) return;
    this.evaluator.bind({ nwalkers: this.nwalkers, ndim: this.ndim, nblobs: this.nblobs, x: this.prop, lp: this.plp, blobs: this.pbl });
    this.bound = true;
  }

  /** Steps stored so far (including steps of earlier runs and of a resumed checkpoint). */
  get iteration(): number {
    return this.backend.iteration;
  }

  /** NaN log-probabilities met so far; each was treated as -Infinity (the proposal rejected). */
  get nanCount(): number {
    return this.nan;
  }

  /** Fraction of accepted proposals per walker since step 0 (NaN before the first step). */
  get acceptanceFraction(): number[] {
    const n = this.iteration;
    return Array.from(this.accepted, (a) => a / n);
  }

  /** A copy of the current state (positions, log-probabilities, blobs, counters, RNG state). */
  get state(): SamplerState {
    if (!this.started) throw new InputError('state', 'the sampler has not started; call run(initial, nsteps) first');
    return {
      iteration: this.iteration,
      positions: this.pos.slice(),
      logProb: this.lp.slice(),
      blobs: this.bl.slice(),
      accepted: this.accepted.slice(),
      nanCount: this.nan,
      rng: this.rng.state(),
    };
  }

  /** Evaluates the start, validates it, and records it as the current state. */
  private async start(initial: ArrayLike<ArrayLike<number>> | Float64Array): Promise<void> {
    const x = toPositions(initial, this.nwalkers, this.ndim);
    if (this.checkStart) checkDegenerate(x, this.nwalkers, this.ndim, this.names);
    this.bind();
    this.prop.set(x);
    const p = this.evaluator.evaluate(this.all);
    if (p !== undefined) await p;
    checkStartLogProbs(this.plp, x, this.ndim);
    this.pos.set(x);
    this.lp.set(this.plp);
    this.bl.set(this.pbl);
    this.accepted.fill(0);
    this.nan = 0;
    this.backend.init({ nwalkers: this.nwalkers, ndim: this.ndim, nblobs: this.nblobs, blobNames: this.blobNames });
    this.started = true;
  }

  /**
   * Runs the sampler.
   * @param initial - starting positions (nwalkers rows of ndim finite numbers, or a flat
   *   Float64Array), or null to continue from the current state (after an earlier run, or from a
   *   backend holding a checkpoint).
   * @param nsteps - steps to take (integer >= 0); with autoStop, the maximum.
   * @returns a summary; the chain is in the backend (see getChain).
   * @throws InputError for a bad start (shape, non-finite value or log-probability, degeneracy);
   *   NumericalError naming the walker and position when the log-probability throws or is +Infinity.
   */
  async run(initial: ArrayLike<ArrayLike<number>> | Float64Array | null, nsteps: number, opts: RunOptions = {}): Promise<RunResult> {
    checkInt('nsteps', nsteps, 0);
    if (this.broken)
      throw new NumericalError(`an earlier run stopped mid-step (${this.broken}); the in-memory state is inconsistent: create a new sampler, resuming from the backend's last checkpoint if it has one`);
    if (initial === null || initial === undefined) {
      if (!this.started) {
        const saved = this.backend.lastState();
        if (saved) this.restore(saved);
        else throw new InputError('initial', 'is null but there is no state to continue from; pass starting positions');
      }
      this.bind();
    } else {
      if (this.iteration > 0)
        throw new InputError('initial', `the backend already holds ${this.iteration} steps; pass null to continue them, or use a fresh backend`);
      await this.start(initial);
    }
    const auto = opts.autoStop ? autoStopSettings(opts.autoStop) : null;
    if (opts.reseatAt !== undefined) checkInt('reseatAt', opts.reseatAt, 1);
    let reseated: number[] = [];
    const bar = createProgress(nsteps, opts.progress);
    const backend = this.backend;
    const W = this.nwalkers;
    const D = this.ndim;
    // With autoStop, nsteps is only a cap: do not allocate for it up front (growth doubles).
    backend.reserve(this.iteration + (auto ? Math.min(nsteps, 10000) : nsteps));
    const monitor = new TauMonitor(W, D, auto, this.names);
    let done: boolean | null = auto ? false : null;
    let aborted = false;
    let lastBar = 0;
    let steps = 0;
    try {
      for (; steps < nsteps; ) {
        if (opts.signal?.aborted) {
          aborted = true;
          break;
        }
        if (backend.iteration === opts.reseatAt) reseated = await this.reseat();
        const move = this.moves[beginStep(this.rng, this.order, this.randomizeSplit, this.cumWeights)];
        for (let h = 0; h < 2; h++) {
          const s = this.halves[h];
          move.propose({ ndim: D, pos: this.pos, s, c: this.halves[1 - h], prop: this.prop, factors: this.factors, rng: this.rng });
          const p = this.evaluator.evaluate(s);
          if (p !== undefined) await p;
          this.nan += acceptProposals(s, s, D, this.nblobs, this.cur, this.proposed, this.rng);
        }
        backend.append(this.pos, this.lp, this.bl);
        steps++;
        const it = backend.iteration;
        if (backend.wantsCheckpoint(it)) backend.checkpoint(this.state);
        if (auto && monitor.due(it)) {
          const verdict = monitor.check(backend.chain(), it);
          if (verdict === 'converged') done = true;
          // Walkers stuck before the reseat step are what the reseat is for: go on to it.
          if (verdict === 'stuck' && opts.reseatAt !== undefined && it <= opts.reseatAt) monitor.stuck = null;
          else if (verdict) break;
        }
        if (bar && (steps & 15) === 0) {
          const now = performance.now();
          if (now - lastBar > 100) {
            lastBar = now;
            if (!auto) monitor.refreshForBar(backend.chain(), it);
            bar.update(steps, this.meanAcceptance(), monitor.tau ? Math.max(...monitor.tau) : null, this.nan);
          }
        }
      }
    } catch (e) {
      this.broken = e instanceof Error ? e.message.slice(0, 200) : String(e);
      throw e;
    } finally {
      if (bar) {
        bar.update(steps, this.meanAcceptance(), monitor.tau ? Math.max(...monitor.tau) : null, this.nan);
        bar.stop();
      }
    }
    backend.checkpoint(this.state);
    const stuck = monitor.stuck ? { walkers: monitor.stuck.walkers, message: monitor.stuck.message } : null;
    return {
      iteration: backend.iteration,
      steps,
      status: done ? 'converged' : stuck ? 'stuck-walkers' : aborted ? 'aborted' : 'max-steps',
      reseated,
      converged: done,
      stuck,
      tau: monitor.tau ? Array.from(monitor.tau) : null,
      acceptance: this.meanAcceptance(),
      nanCount: this.nan,
      aborted,
    };
  }

  /**
   * Moves the stranded walkers (samplers/reseat.ts strandedWalkers) next to good ones: walker j's
   * position plus 0.01 (x_a - x_b), j, a, b good and a != b, drawn from the sampler's stream only
   * when some walker is stranded; where that point has no finite ln p, onto x_j itself. Returns
   * the walkers moved ([] also when fewer than 3 are good: nothing sound to move them to).
   */
  private async reseat(): Promise<number[]> {
    const D = this.ndim;
    const B = this.nblobs;
    const stranded = strandedWalkers(this.lp, D);
    const bad = new Set(stranded);
    const good = Array.from(this.all).filter((k) => !bad.has(k));
    if (stranded.length === 0 || good.length < 3) return [];
    const from = stranded.map((k) => {
      const j = good[this.rng.int(good.length)];
      const ia = this.rng.int(good.length);
      const a = good[ia];
      const b = good[this.rng.intExcept(good.length, ia)];
      for (let d = 0; d < D; d++) this.prop[k * D + d] = this.pos[j * D + d] + 0.01 * (this.pos[a * D + d] - this.pos[b * D + d]);
      return j;
    });
    const p = this.evaluator.evaluate(Int32Array.from(stranded));
    if (p !== undefined) await p;
    stranded.forEach((k, m) => {
      const ok = Number.isFinite(this.plp[k]);
      const j = from[m];
      for (let d = 0; d < D; d++) this.pos[k * D + d] = ok ? this.prop[k * D + d] : this.pos[j * D + d];
      this.lp[k] = ok ? this.plp[k] : this.lp[j];
      for (let q = 0; q < B; q++) this.bl[k * B + q] = ok ? this.pbl[k * B + q] : this.bl[j * B + q];
    });
    return stranded;
  }

  private meanAcceptance(): number {
    let a = 0;
    for (let k = 0; k < this.nwalkers; k++) a += this.accepted[k];
    return a / (this.nwalkers * Math.max(this.iteration, 1));
  }

  private range(opts: ChainOptions): { discard: number; thin: number; steps: number[] } {
    const n = this.iteration;
    const discard = checkInt('discard', opts.discard ?? 0, 0);
    const thin = checkInt('thin', opts.thin ?? 1, 1);
    if (discard > n) throw new InputError('discard', `is ${discard} but only ${n} steps are stored`);
    const steps: number[] = [];
    for (let t = discard; t < n; t += thin) steps.push(t);
    return { discard, thin, steps };
  }

  /** Builds [step][walker][width] or flat [step*walker][width] arrays from a flat store. */
  private gather(store: Float64Array, width: number, opts: ChainOptions): number[][] | number[][][] {
    const { steps } = this.range(opts);
    const W = this.nwalkers;
    const row = (t: number, k: number) => {
      const o = (t * W + k) * width;
      const r = new Array<number>(width);
      for (let d = 0; d < width; d++) r[d] = store[o + d];
      return r;
    };
    if (opts.flat) {
      const out: number[][] = [];
      for (const t of steps) for (let k = 0; k < W; k++) out.push(row(t, k));
      return out;
    }
    return steps.map((t) => {
      const walkers = new Array<number[]>(W);
      for (let k = 0; k < W; k++) walkers[k] = row(t, k);
      return walkers;
    });
  }

  /**
   * The stored chain.
   * @returns chain[step][walker][dim], or with `flat` chain[step * nwalkers + walker][dim].
   * @throws InputError for discard outside [0, iteration] or thin < 1.
   */
  getChain(opts: ChainOptions & { flat: true }): number[][];
  getChain(opts?: ChainOptions & { flat?: false }): number[][][];
  getChain(opts?: ChainOptions): number[][] | number[][][];
  getChain(opts: ChainOptions = {}): number[][] | number[][][] {
    return this.gather(this.backend.chain(), this.ndim, opts);
  }

  /**
   * The stored chain as one flat step-major Float64Array (a copy), element
   * [(step * nwalkers + walker) * ndim + dim], with its shape; cheap input for the diagnostics.
   */
  getChainArray(opts: { discard?: number; thin?: number } = {}): { data: Float64Array; nsteps: number; nwalkers: number; ndim: number } {
    const { steps } = this.range(opts);
    const row = this.nwalkers * this.ndim;
    const src = this.backend.chain();
    const data = new Float64Array(steps.length * row);
    steps.forEach((t, i) => data.set(src.subarray(t * row, (t + 1) * row), i * row));
    return { data, nsteps: steps.length, nwalkers: this.nwalkers, ndim: this.ndim };
  }

  /** Log-probabilities: [step][walker], or with `flat` [step * nwalkers + walker]. */
  getLogProb(opts: ChainOptions & { flat: true }): number[];
  getLogProb(opts?: ChainOptions & { flat?: false }): number[][];
  getLogProb(opts?: ChainOptions): number[] | number[][];
  getLogProb(opts: ChainOptions = {}): number[] | number[][] {
    const r = this.gather(this.backend.logProb(), 1, opts);
    return opts.flat ? (r as number[][]).map((v) => v[0]) : (r as number[][][]).map((s) => s.map((v) => v[0]));
  }

  /** Blobs: [step][walker][blob], or with `flat` [step * nwalkers + walker][blob]. */
  getBlobs(opts: ChainOptions & { flat: true }): number[][];
  getBlobs(opts?: ChainOptions & { flat?: false }): number[][][];
  getBlobs(opts?: ChainOptions): number[][] | number[][][];
  getBlobs(opts: ChainOptions = {}): number[][] | number[][][] {
    return this.gather(this.backend.blobs(), this.nblobs, opts);
  }

  /** Releases the evaluator's threads and the backend's files. Idempotent. */
  async close(): Promise<void> {
    await this.evaluator.close();
    (this.backend as { close?: () => void }).close?.();
  }
}
