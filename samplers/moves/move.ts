/**
 * The move interface. A move is a small strategy object: given the walkers `s` to update and the
 * complementary walkers `c` (held fixed during the update), it writes one proposal per walker in
 * `s` and the log of the proposal's Hastings factor. The red-blue split, the evaluation and the
 * accept step are written once, in `../kernel/step.ts` (used by `EnsembleSampler` and the step kernel); moves only propose.
 */
import type { Rng } from '../rng.ts';

/** Buffers a move reads and writes. All are preallocated by the sampler and reused every step. */
export interface ProposalContext {
  /** Number of parameters. */
  readonly ndim: number;
  /** Current positions, row-major nwalkers x ndim. Read only. */
  readonly pos: Float64Array;
  /** Indices of the walkers to update (rows of `pos`). */
  readonly s: Int32Array;
  /** Indices of the complementary walkers; the move may use only these rows to build proposals. */
  readonly c: Int32Array;
  /** Output: proposal for walker k goes to row k of this nwalkers x ndim array. */
  readonly prop: Float64Array;
  /** Output: log Hastings factor for walker k goes to `factors[k]` (0 for a symmetric move). */
  readonly factors: Float64Array;
  /** The sampler's random stream; draw only from it, in an order that does not depend on timing. */
  readonly rng: Rng;
}

/** A proposal strategy for the split-ensemble update. */
export interface Move {
  /** Short name for messages, e.g. "stretch(a=2)". */
  readonly name: string;
  /**
   * Called once when the sampler is built, before any proposal: validate the ensemble size
   * (throw an InputError naming `moves`) and allocate scratch buffers.
   * @param nwalkers - total number of walkers
   * @param ndim - number of parameters
   * @param ncomp - the smallest complementary-set size the move will see (floor(nwalkers / 2))
   */
  setup(nwalkers: number, ndim: number, ncomp: number): void;
  /** Fills `ctx.prop` rows and `ctx.factors` entries for every walker in `ctx.s`. */
  propose(ctx: ProposalContext): void;
}

/** A move with its selection weight; weights need not sum to 1. */
export type WeightedMove = [move: Move, weight: number];
