/**
 * A step kernel for the affine-invariant ensemble sampler, in the style of blackjax: pure functions
 * of explicit inputs, driven one half-ensemble at a time by the caller.
 *
 *   const k = createKernel({ nwalkers: 32, ndim: 4, moves: stretchMove() });
 *   let st = k.init(positions, logProbsOfPositions, seed);
 *   for (...) {                        // one full step = two halves
 *     const p = k.propose(st);          // proposals for the half st.half; no log-probability called
 *     const lp = myBatch(p.positions);  // the caller evaluates them, any way it likes
 *     st = k.accept(st, p, lp);         // Metropolis-Hastings; a NEW state, the old one untouched
 *   }
 *
 * Why: `EnsembleSampler.run` owns its loop and awaits its evaluator, so one process runs one
 * sampler at a time (and the worker pool's Atomics.wait blocks the thread). Here the caller owns
 * the loop: it can concatenate the proposals of many galaxies' samplers into one batched network
 * call (a surrogate's MLP on a GPU, or one big CPU batch; see {@link stackProposals},
 * {@link stepTogether}), then accept per galaxy. No I/O, no waiting, no threads.
 *
 * Same chain as EnsembleSampler: the split, the move choice and the accept rule are the very
 * functions the sampler uses (./step.ts) and the moves are the same objects, drawing from the
 * same xor4096 stream in the same order (shuffle, move choice, proposals of half 0, uniforms of
 * half 0, proposals of half 1, uniforms of half 1). So for equal seed, moves, start and target
 * the kernel's states after each step equal the sampler's to the last bit (tested).
 *
 * State: plain JSON data (numbers, arrays of numbers, the RNG's integer state), so
 * `JSON.parse(JSON.stringify(state))` continues exactly (a checkpoint) with two caveats of JSON
 * itself: -0 becomes 0, and non-finite blobs become null (log-probabilities in a state are always
 * finite). Functions never modify their inputs; a state may be kept, copied, branched or dropped.
 */
import { InputError } from '../../core/errors.ts';
import type { Move, WeightedMove } from '../moves/move.ts';
import { Rng, type RngState } from '../rng.ts';
import { checkDegenerate, toPositions } from '../start.ts';
import type { SamplerState } from '../state.ts';
import { acceptProposals, beginStep, checkEnsembleShape, checkStartLogProbs, firstHalfSize, prepareMoves } from './step.ts';

export interface KernelOptions {
  /** Number of walkers, an integer >= 2 ndim. */
  nwalkers: number;
  /** Number of parameters, an integer >= 1. */
  ndim: number;
  /** One move, or [move, weight] pairs (weights > 0). Default: stretch (a = 2). */
  moves?: Move | WeightedMove[];
  /** Per-walker metadata values carried with each position (integer >= 0, default 0). */
  nblobs?: number;
  /** Shuffle the halves every step, as emcee and EnsembleSampler do (default true). */
  randomizeSplit?: boolean;
  /** Check the start for degeneracy in `init` (default true), as EnsembleSampler does. */
  checkStart?: boolean;
  /** Parameter names, used in messages only. */
  names?: string[];
}

/**
 * Everything needed to continue a chain: plain, JSON-serialisable, never modified in place.
 * Between steps `half` is 0 and `split` null; between the two halves of a step `half` is 1 and
 * `split`/`move` hold that step's draws.
 */
export interface KernelState {
  /** Full steps completed (>= 0). */
  readonly iteration: number;
  /** The half-ensemble the next `propose` updates: 0 (first) or 1 (second). */
  readonly half: 0 | 1;
  /** Positions, row-major nwalkers x ndim. */
  readonly positions: readonly number[];
  /** Log-probabilities, one per walker, all finite. */
  readonly logProb: readonly number[];
  /** Blobs, row-major nwalkers x nblobs. */
  readonly blobs: readonly number[];
  /** Accepted proposals per walker since step 0. */
  readonly accepted: readonly number[];
  /** NaN log-probabilities met (each rejected, as -Infinity). */
  readonly nanCount: number;
  /** The random stream, after the last draw made for this state. */
  readonly rng: RngState;
  /** This step's shuffled walker order (first ceil(nwalkers/2) = half 0) while half = 1; else null. */
  readonly split: readonly number[] | null;
  /** This step's move (index into the kernel's moves) while half = 1; else -1. */
  readonly move: number;
}

/** The proposals of one half-ensemble, made by `propose` and consumed by `accept`. */
export interface Proposal {
  /** The state's iteration and half this proposal belongs to. */
  readonly iteration: number;
  readonly half: 0 | 1;
  /** Number of proposals (walkers in this half). */
  readonly n: number;
  readonly ndim: number;
  /** Walker index of each proposal row. */
  readonly walkers: Int32Array;
  /** Proposed positions, row-major n x ndim, ready for a batched log-probability. */
  readonly positions: Float64Array;
  /** Log Hastings factor of each proposal (the move's; 0 for symmetric moves). */
  readonly logFactors: Float64Array;
  /** The step's split and move (drawn by the half-0 proposal). */
  readonly split: readonly number[];
  readonly move: number;
  /** The random stream after the proposal's draws; `accept` continues it. */
  readonly rng: RngState;
  /** Identifies the state it was made from, so `accept` refuses it for another state. */
  readonly origin: { readonly w: number; readonly i: number; readonly lpSum: number };
}

export interface EnsembleKernel {
  readonly nwalkers: number;
  readonly ndim: number;
  readonly nblobs: number;
  /** Move names, in the order of `state.move` / `proposal.move`. */
  readonly moveNames: readonly string[];
  /**
   * The state before the first step.
   * @param positions - nwalkers rows of ndim finite numbers, or a flat Float64Array.
   * @param logProbs - their log-probabilities (nwalkers finite values), computed by the caller.
   * @param rng - a seed (integer or string; the same seed as EnsembleSampler's gives its chain) or
   *   an RngState to continue a stream.
   * @param blobs - their blobs, nwalkers x nblobs row-major (needed when nblobs > 0).
   * @throws InputError naming `initial[k]` (shape, non-finite value or log-probability, degenerate
   *   start), `logProbs`, `blobs` or `rng`.
   */
  init(positions: ArrayLike<ArrayLike<number>> | Float64Array, logProbs: ArrayLike<number>, rng: number | string | RngState, blobs?: ArrayLike<number>): KernelState;
  /**
   * The proposals of half `state.half`: at half 0 it first draws the step's split and move. Calls
   * no log-probability and does not modify `state`.
   * @throws InputError naming `state` if it does not fit this kernel.
   */
  propose(state: KernelState): Proposal;
  /**
   * Accepts or rejects each proposal (one uniform per walker, always drawn) and returns the next
   * state: half 1 of the same step after half 0, the next step's half 0 after half 1.
   * @param logProbs - log-probabilities of `proposal.positions`, one per row (NaN = -Infinity,
   *   counted; -Infinity = rejected).
   * @param blobs - their blobs, n x nblobs (needed when nblobs > 0).
   * @throws InputError naming `proposal` (made from another state), `logProbs` or `blobs` (wrong
   *   length); NumericalError for a +Infinity log-probability (the state passed in stays valid).
   */
  accept(state: KernelState, proposal: Proposal, logProbs: ArrayLike<number>, blobs?: ArrayLike<number>): KernelState;
}

function checkRngState(r: RngState): RngState {
  const x = r?.xor4096;
  if (r?.algorithm !== 'xor4096' || !x || !Number.isInteger(x.i) || !Number.isInteger(x.w) || !Array.isArray(x.X) || x.X.length !== 128)
    throw new InputError('rng', 'must be a seed (integer or string) or an RngState { algorithm: "xor4096", xor4096: { i, w, X[128] }, spare }');
  return r;
}

/**
 * Restoring an Rng from its JSON state re-runs seedrandom's seeding (8 us, twice per half-step);
 * instead the live generator behind each RngState the kernel hands out is kept here, keyed by that
 * object, and used once: a second use of the same state (a branch), a JSON copy or an unknown
 * state is restored from its data. The counters are compared as a guard against a state modified
 * in place, which the API forbids.
 */
const live = new WeakMap<RngState, { rng: Rng; i: number; w: number }>();

function saveRng(rng: Rng): RngState {
  const st = rng.state();
  live.set(st, { rng, i: st.xor4096.i, w: st.xor4096.w });
  return st;
}

function restoreRng(st: RngState): Rng {
  const c = live.get(st);
  if (c !== undefined) {
    live.delete(st);
    if (c.i === st.xor4096.i && c.w === st.xor4096.w) return c.rng;
  }
  return new Rng(undefined, st);
}

/** A typed array as a plain array (Array.from goes through the iterator: 5x slower). */
function toNumbers(a: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

/** Sum of the log-probabilities: with the RNG counters, a cheap fingerprint of a state. */
function lpSum(lp: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < lp.length; k++) s += lp[k];
  return s;
}

/**
 * Builds a step kernel. The kernel holds only configuration and scratch buffers used within one
 * synchronous call, so one kernel may serve any number of chains of the same shape, interleaved.
 * @throws InputError for a bad shape (nwalkers < 2 ndim), bad moves or nblobs.
 */
export function createKernel(opts: KernelOptions): EnsembleKernel {
  if (!opts || typeof opts !== 'object') throw new InputError('options', 'pass { nwalkers, ndim, moves? }');
  const { nwalkers: W, ndim: D } = checkEnsembleShape(opts.nwalkers, opts.ndim);
  const B = opts.nblobs ?? 0;
  if (!Number.isInteger(B) || B < 0) throw new InputError('nblobs', `must be an integer >= 0, got ${String(opts.nblobs)}`);
  if (opts.names !== undefined && opts.names.length !== D) throw new InputError('names', `has ${opts.names.length} names; need ndim = ${D}`);
  const { moves, cumWeights } = prepareMoves(opts.moves, W, D);
  const randomizeSplit = opts.randomizeSplit ?? true;
  const checkStart = opts.checkStart ?? true;
  const names = opts.names?.slice();
  const H = firstHalfSize(W);

  // Scratch, valid within one call only.
  const pos = new Float64Array(W * D);
  const prop = new Float64Array(W * D);
  const factors = new Float64Array(W);
  const order = new Int32Array(W);
  const rows = [Int32Array.from({ length: H }, (_, i) => i), Int32Array.from({ length: W - H }, (_, i) => i)];

  function checkState(st: KernelState): void {
    if (!st || typeof st !== 'object' || st.positions?.length !== W * D || st.logProb?.length !== W || st.blobs?.length !== W * B || st.accepted?.length !== W)
      throw new InputError('state', `does not fit this kernel (nwalkers ${W}, ndim ${D}, nblobs ${B}); pass a state made by init/accept of a kernel of that shape`);
    if (st.half !== 0 && st.half !== 1) throw new InputError('state.half', `must be 0 or 1, got ${String(st.half)}`);
    if (st.half === 1 && (st.split?.length !== W || !(st.move >= 0 && st.move < moves.length)))
      throw new InputError('state.split', 'a state between halves must carry the step\'s split (nwalkers indices) and move index');
  }

  return {
    nwalkers: W,
    ndim: D,
    nblobs: B,
    moveNames: moves.map((m) => m.name),

    init(positions, logProbs, rng, blobs) {
      const x = toPositions(positions, W, D);
      if (checkStart) checkDegenerate(x, W, D, names);
      if (!logProbs || logProbs.length !== W) throw new InputError('logProbs', `has ${logProbs?.length} values; need one per walker (nwalkers = ${W})`);
      checkStartLogProbs(logProbs, x, D);
      if (B > 0 && blobs?.length !== W * B) throw new InputError('blobs', `has ${blobs?.length} values; need nwalkers x nblobs = ${W * B}`);
      const r = typeof rng === 'object' && rng !== null ? checkRngState(rng) : new Rng(rng).state();
      return {
        iteration: 0,
        half: 0,
        positions: Array.from(x),
        logProb: Array.from(logProbs),
        blobs: B > 0 ? Array.from(blobs!) : [],
        accepted: new Array<number>(W).fill(0),
        nanCount: 0,
        rng: saveRng(new Rng(undefined, r)),
        split: null,
        move: -1,
      };
    },

    propose(st) {
      checkState(st);
      const rng = restoreRng(st.rng);
      let m: number;
      if (st.half === 0) {
        m = beginStep(rng, order, randomizeSplit, cumWeights);
      } else {
        for (let i = 0; i < W; i++) order[i] = st.split![i];
        m = st.move;
      }
      const s = st.half === 0 ? order.subarray(0, H) : order.subarray(H);
      const c = st.half === 0 ? order.subarray(H) : order.subarray(0, H);
      pos.set(st.positions);
      moves[m].propose({ ndim: D, pos, s, c, prop, factors, rng });
      const n = s.length;
      const positions = new Float64Array(n * D);
      const logFactors = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = s[i];
        positions.set(prop.subarray(k * D, (k + 1) * D), i * D);
        logFactors[i] = factors[k];
      }
      return {
        iteration: st.iteration,
        half: st.half,
        n,
        ndim: D,
        walkers: s.slice(),
        positions,
        logFactors,
        split: toNumbers(order),
        move: m,
        rng: saveRng(rng),
        origin: { w: st.rng.xor4096.w, i: st.rng.xor4096.i, lpSum: lpSum(st.logProb) },
      };
    },

    accept(st, p, logProbs, blobs) {
      checkState(st);
      const o = p?.origin;
      if (!o || p.iteration !== st.iteration || p.half !== st.half || o.w !== st.rng.xor4096.w || o.i !== st.rng.xor4096.i || o.lpSum !== lpSum(st.logProb))
        throw new InputError('proposal', `was not made from this state (step ${st.iteration}, half ${st.half}); call propose(state) and accept with that same state`);
      if (!logProbs || logProbs.length !== p.n) throw new InputError('logProbs', `has ${logProbs?.length} values; need one per proposal (${p.n})`);
      if (B > 0 && blobs?.length !== p.n * B) throw new InputError('blobs', `has ${blobs?.length} values; need proposals x nblobs = ${p.n * B}`);
      const cur = { pos: new Float64Array(st.positions), lp: new Float64Array(st.logProb), bl: new Float64Array(st.blobs), accepted: new Float64Array(st.accepted) };
      const rng = restoreRng(p.rng);
      const nan = acceptProposals(p.walkers, rows[p.half], D, B, cur, { x: p.positions, lp: logProbs, blobs: blobs ?? [], factors: p.logFactors }, rng);
      const last = p.half === 1;
      return {
        iteration: last ? st.iteration + 1 : st.iteration,
        half: last ? 0 : 1,
        positions: toNumbers(cur.pos),
        logProb: toNumbers(cur.lp),
        blobs: toNumbers(cur.bl),
        accepted: toNumbers(cur.accepted),
        nanCount: st.nanCount + nan,
        rng: saveRng(rng),
        split: last ? null : p.split,
        move: last ? -1 : p.move,
      };
    },
  };
}

/**
 * Several chains' proposals as one batch: rows of `proposals[0]` first, then `proposals[1]`, ...
 * @returns `x` (N x ndim row-major), `n` = N, and `split(values, width)`, which cuts a per-row
 *   result (N x width, e.g. log-probabilities or blobs) back into one array per proposal.
 * @throws InputError naming `proposals[j]` when its ndim differs from the first one's.
 */
export function stackProposals(proposals: readonly Proposal[]): { x: Float64Array; n: number; split: (values: ArrayLike<number>, width?: number) => Float64Array[] } {
  const D = proposals.length ? proposals[0].ndim : 0;
  let n = 0;
  proposals.forEach((p, j) => {
    if (p.ndim !== D) throw new InputError(`proposals[${j}]`, `has ndim ${p.ndim}; all stacked proposals need ndim ${D}`);
    n += p.n;
  });
  const x = new Float64Array(n * D);
  let r = 0;
  for (const p of proposals) {
    x.set(p.positions, r * D);
    r += p.n;
  }
  const split = (values: ArrayLike<number>, width = 1): Float64Array[] => {
    if (values.length !== n * width) throw new InputError('values', `has ${values.length} entries; need ${n} rows x ${width}`);
    const out: Float64Array[] = [];
    let o = 0;
    for (const p of proposals) {
      const a = new Float64Array(p.n * width);
      for (let i = 0; i < a.length; i++) a[i] = values[o + i];
      o += a.length;
      out.push(a);
    }
    return out;
  };
  return { x, n, split };
}

/**
 * One full step (both halves) of many chains of the same shape, with ONE call of `logProbBatch`
 * per half for all of them: the many-galaxies-per-network-call loop.
 * @param logProbBatch - (batch N x ndim, N, blobs N x nblobs, chainOfRow) => N log-probabilities;
 *   as EnsembleSampler's `logProbBatch`, plus `chainOfRow[r]`, the index in `states` of the chain
 *   row r belongs to (each chain may have its own target: its galaxy's data). It must compute
 *   each row from that row (and its chain) alone.
 * @returns the new states, in the order of `states` (none for none, without a call); the
 *   inputs are not modified.
 * @throws InputError naming `logProbBatch` when it returns the wrong number of values; whatever
 *   `logProbBatch` or `accept` throws (the states passed in stay valid).
 */
export function stepTogether(
  kernel: EnsembleKernel,
  states: readonly KernelState[],
  logProbBatch: (batch: Float64Array, n: number, blobs: Float64Array, chainOfRow: Int32Array) => ArrayLike<number>,
): KernelState[] {
  let cur = states.slice();
  if (cur.length === 0) return cur;
  for (let h = 0; h < 2; h++) {
    const props = cur.map((s) => kernel.propose(s));
    const batch = stackProposals(props);
    const bl = new Float64Array(batch.n * kernel.nblobs);
    const chainOfRow = new Int32Array(batch.n);
    let r = 0;
    props.forEach((p, j) => chainOfRow.fill(j, r, (r += p.n)));
    const lp = logProbBatch(batch.x, batch.n, bl, chainOfRow);
    if (!lp || lp.length !== batch.n) throw new InputError('logProbBatch', `returned ${lp?.length} values for a batch of ${batch.n} proposals`);
    const lps = batch.split(lp);
    const bls = kernel.nblobs > 0 ? batch.split(bl, kernel.nblobs) : null;
    cur = cur.map((s, j) => kernel.accept(s, props[j], lps[j], bls?.[j]));
  }
  return cur;
}

/**
 * The kernel state at a step boundary as EnsembleSampler's SamplerState (Float64Arrays), e.g. to
 * checkpoint it in a Backend or to compare with a sampler.
 * @throws InputError when `state` is between halves (half = 1): only whole steps are states there.
 */
export function toSamplerState(state: KernelState): SamplerState {
  if (state.half !== 0) throw new InputError('state.half', 'is 1 (between the halves of a step); accept the second half first');
  return {
    iteration: state.iteration,
    positions: Float64Array.from(state.positions),
    logProb: Float64Array.from(state.logProb),
    blobs: Float64Array.from(state.blobs),
    accepted: Float64Array.from(state.accepted),
    nanCount: state.nanCount,
    rng: new Rng(undefined, state.rng).state(),
  };
}

/** A SamplerState (e.g. `sampler.state` or a backend's checkpoint) as a kernel state at a step boundary. */
export function fromSamplerState(s: SamplerState): KernelState {
  return {
    iteration: s.iteration,
    half: 0,
    positions: Array.from(s.positions),
    logProb: Array.from(s.logProb),
    blobs: Array.from(s.blobs),
    accepted: Array.from(s.accepted),
    nanCount: s.nanCount,
    rng: new Rng(undefined, checkRngState(s.rng)).state(),
    split: null,
    move: -1,
  };
}
