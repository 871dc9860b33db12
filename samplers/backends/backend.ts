/**
 * Chain storage. The sampler appends every step (positions, log-probabilities, blobs) and calls
 * `checkpoint` when `wantsCheckpoint` says so and at the end of each run, with the full state; a
 * backend that persists must make the checkpoint atomic, so that a run killed at any instant
 * resumes from the last checkpoint.
 */
import type { SamplerState } from '../state.ts';

export interface Dims {
  nwalkers: number;
  ndim: number;
  nblobs: number;
  /** Optional blob names (length nblobs), stored for other tools. */
  blobNames?: string[];
}

export interface Backend {
  /** Steps stored. */
  readonly iteration: number;
  /** Dimensions, or null before the first `init` (or load). */
  readonly dims: Dims | null;
  /**
   * Asked after every step: whether to checkpoint now (the sampler then calls `checkpoint`). A
   * backend that keeps nothing outside the process answers false. Checkpoint timing never changes
   * the chain, only how much work a crash loses.
   */
  wantsCheckpoint(iteration: number): boolean;
  /** Starts an empty chain with these dimensions (throws if the backend already holds steps). */
  init(dims: Dims): void;
  /** The state saved at the last checkpoint, or null when there is none. */
  lastState(): SamplerState | null;
  /** Hint: the chain will grow to `steps` steps (avoids repeated growth). */
  reserve(steps: number): void;
  /** Appends one step. The arrays are copied; the backend keeps no reference. */
  append(positions: Float64Array, logProb: Float64Array, blobs: Float64Array): void;
  /** Records a consistent state (at step `state.iteration` = `this.iteration`). */
  checkpoint(state: SamplerState): void;
  /** Stored positions, row-major iteration x nwalkers x ndim (a view; do not modify). */
  chain(): Float64Array;
  /** Stored log-probabilities, iteration x nwalkers (a view). */
  logProb(): Float64Array;
  /** Stored blobs, iteration x nwalkers x nblobs (a view). */
  blobs(): Float64Array;
}
