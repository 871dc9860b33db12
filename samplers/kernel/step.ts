/**
 * The pieces of one ensemble step that `EnsembleSampler` (../ensemble.ts) and the step kernel
 * (./kernel.ts) share, written once so that both give the same chain bit for bit:
 *
 *  - the ensemble-shape rule (nwalkers >= 2 ndim) and the parsing of weighted moves;
 *  - the start of a step: the red-blue split (a shuffle of the walkers, as emcee's
 *    randomize_split) and the move chosen by weight, in that order of draws;
 *  - the Metropolis-Hastings accept of one half-ensemble: one uniform per walker, always drawn.
 *
 * Everything here works on caller-owned buffers and allocates nothing per step.
 */
import { InputError, NumericalError } from '../../core/errors.ts';
import { formatPosition } from '../evaluate/evaluator.ts';
import type { Move, WeightedMove } from '../moves/move.ts';
import { stretchMove } from '../moves/stretch.ts';
import type { Rng } from '../rng.ts';

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InputError(name, `must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/**
 * Validates the ensemble's shape.
 * @param nwalkers - integer >= 2 ndim (emcee's rule: a smaller ensemble cannot span the space).
 * @param ndim - integer >= 1.
 * @throws InputError naming `ndim` or `nwalkers` and the smallest valid ensemble.
 */
export function checkEnsembleShape(nwalkers: unknown, ndim: unknown): { nwalkers: number; ndim: number } {
  const d = checkInt('ndim', ndim, 1);
  const w = checkInt('nwalkers', nwalkers, 2);
  if (w < 2 * d)
    throw new InputError('nwalkers', `${w} walkers for ${d} parameters; use at least 2 x ndim = ${2 * d} (an ensemble this small cannot span the parameter space)`);
  return { nwalkers: w, ndim: d };
}

/**
 * Checks the log-probabilities of the starting positions: each must be finite.
 * @param lp - one value per walker.
 * @param x - the starting positions, row-major (for the message).
 * @throws InputError naming `initial[k]` and the position: +Infinity (improper target), NaN (the
 *   model is undefined there) or -Infinity (outside the prior).
 */
export function checkStartLogProbs(lp: ArrayLike<number>, x: Float64Array, ndim: number): void {
  for (let k = 0; k < lp.length; k++) {
    const v = lp[k];
    if (!Number.isFinite(v)) {
      const where = `initial[${k}]`;
      const at = formatPosition(x.subarray(k * ndim, (k + 1) * ndim));
      if (v === Infinity) throw new InputError(where, `log-probability is +Infinity at ${at}; the target must be a proper density`);
      if (Number.isNaN(v))
        throw new InputError(where, `log-probability is NaN at ${at} (a NaN from the model, or a function that returns no number); start where the model is defined`);
      throw new InputError(where, `log-probability is ${v} at ${at}; start walkers inside the prior (e.g. ball(center, scale, { nwalkers, logProb }))`);
    }
  }
}

/** Moves ready to use: the list and the cumulative selection weights, normalised to end at 1. */
export interface PreparedMoves {
  readonly moves: readonly Move[];
  readonly cumWeights: Float64Array;
}

/**
 * Parses one move or [move, weight] pairs and calls each move's setup for this ensemble.
 * @param mv - a move, or pairs with finite weights > 0 (need not sum to 1); default stretch (a = 2).
 * @throws InputError naming `moves[i]` for a bad pair or weight, or the move's own setup error.
 */
export function prepareMoves(mv: Move | WeightedMove[] | undefined, nwalkers: number, ndim: number): PreparedMoves {
  const pairs: WeightedMove[] = Array.isArray(mv) ? mv : [[mv ?? stretchMove(), 1]];
  if (pairs.length === 0) throw new InputError('moves', 'is empty; give a move or [move, weight] pairs');
  const moves: Move[] = [];
  const cumWeights = new Float64Array(pairs.length);
  let tot = 0;
  pairs.forEach((p, i) => {
    if (!Array.isArray(p) || typeof p[0]?.propose !== 'function') throw new InputError(`moves[${i}]`, 'must be a [move, weight] pair, e.g. [deMove(), 0.8]');
    if (!(p[1] > 0 && Number.isFinite(p[1]))) throw new InputError(`moves[${i}]`, `weight must be a finite number > 0, got ${p[1]}`);
    tot += p[1];
    cumWeights[i] = tot;
    moves.push(p[0]);
  });
  for (let i = 0; i < pairs.length; i++) cumWeights[i] /= tot;
  const ncomp = Math.floor(nwalkers / 2);
  for (const m of moves) m.setup(nwalkers, ndim, ncomp);
  return { moves, cumWeights };
}

/** Size of the first half-ensemble: emcee's split `arange(n) % 2` gives the first set ceil(n/2). */
export function firstHalfSize(nwalkers: number): number {
  return Math.ceil(nwalkers / 2);
}

/**
 * Draws the start of a step: fills `order` with 0..n-1, shuffles it when `randomizeSplit` (n - 1
 * draws), then picks a move by weight (one more draw, only when there are several moves).
 * The first `firstHalfSize(n)` entries of `order` are the walkers updated first.
 * @returns the index of the chosen move in `cumWeights`.
 */
export function beginStep(rng: Rng, order: Int32Array, randomizeSplit: boolean, cumWeights: Float64Array): number {
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (randomizeSplit) rng.shuffle(order);
  if (cumWeights.length === 1) return 0;
  const u = rng.uniform();
  let i = 0;
  while (i < cumWeights.length - 1 && u >= cumWeights[i]) i++;
  return i;
}

/** The current ensemble, updated in place by {@link acceptProposals}. */
export interface EnsembleBuffers {
  /** Positions, nwalkers x ndim. */
  readonly pos: Float64Array;
  /** Log-probabilities, length nwalkers. */
  readonly lp: Float64Array;
  /** Blobs, nwalkers x nblobs. */
  readonly bl: Float64Array;
  /** Accepted proposals per walker (counts). */
  readonly accepted: Float64Array;
}

/** One half-ensemble's proposals; entry `rows[i]` belongs to walker `s[i]`. */
export interface ProposalBuffers {
  /** Proposed positions, row r = rows[i] (ndim values). */
  readonly x: Float64Array;
  /** Their log-probabilities, entry rows[i]; NaN counts as -Infinity; +Infinity is an error. */
  readonly lp: ArrayLike<number>;
  /** Their blobs, row rows[i] (nblobs values). */
  readonly blobs: ArrayLike<number>;
  /** Log Hastings factors of the move, entry rows[i]. */
  readonly factors: ArrayLike<number>;
}

/**
 * Metropolis-Hastings accept/reject for the walkers `s` (Foreman-Mackey et al. 2013, Algorithm 3):
 * accept walker k when log u < factor + log p(y) - log p(x_k), u ~ U(0,1). One uniform is drawn
 * per walker whatever the outcome, so the draw order depends on the seed alone.
 * @param rows - where walker s[i]'s proposal sits in `prop`: the sampler keeps full-size buffers
 *   indexed by walker (rows = s), the kernel compact ones (rows = 0..n-1).
 * @returns the number of NaN log-probabilities met (each rejected).
 * @throws NumericalError naming the walker and its proposed position for a +Infinity
 *   log-probability; walkers before it in `s` have already been updated.
 */
export function acceptProposals(s: ArrayLike<number>, rows: ArrayLike<number>, ndim: number, nblobs: number, cur: EnsembleBuffers, prop: ProposalBuffers, rng: Rng): number {
  const D = ndim;
  const B = nblobs;
  const { pos, lp, bl, accepted } = cur;
  const { x, lp: plp, blobs: pbl, factors } = prop;
  let nan = 0;
  for (let i = 0; i < s.length; i++) {
    const k = s[i];
    const r = rows[i];
    let v = plp[r];
    if (v !== v) {
      v = -Infinity;
      nan++;
    } else if (v === Infinity) {
      throw new NumericalError(`log-probability is +Infinity at walker ${k}, x = ${formatPosition(x.subarray(r * D, (r + 1) * D))}; the target must be a proper density`);
    }
    const diff = factors[r] + v - lp[k];
    if (Math.log(rng.uniform()) < diff) {
      const o = k * D;
      const or = r * D;
      for (let d = 0; d < D; d++) pos[o + d] = x[or + d];
      lp[k] = v;
      const ob = k * B;
      const orb = r * B;
      for (let q = 0; q < B; q++) bl[ob + q] = pbl[orb + q];
      accepted[k]++;
    }
  }
  return nan;
}
