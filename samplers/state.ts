/** The sampler state: everything needed to continue a run exactly where it stopped. */
import type { RngState } from './rng.ts';

export interface SamplerState {
  /** Steps completed so far (>= 0). */
  iteration: number;
  /** Current positions, row-major nwalkers x ndim. */
  positions: Float64Array;
  /** Current log-probabilities, length nwalkers (finite for a valid state). */
  logProb: Float64Array;
  /** Current blobs, row-major nwalkers x nblobs. */
  blobs: Float64Array;
  /** Accepted proposals per walker since step 0. */
  accepted: Float64Array;
  /** Number of NaN log-probabilities seen (each treated as -Infinity). */
  nanCount: number;
  /** Random-number-generator state after the last completed step. */
  rng: RngState;
}

/** A deep copy of `s`, so later steps do not change it. */
export function copyState(s: SamplerState): SamplerState {
  return {
    iteration: s.iteration,
    positions: s.positions.slice(),
    logProb: s.logProb.slice(),
    blobs: s.blobs.slice(),
    accepted: s.accepted.slice(),
    nanCount: s.nanCount,
    rng: { ...s.rng, xor4096: { ...s.rng.xor4096, X: s.rng.xor4096.X.slice() }, spare: s.rng.spare ? [s.rng.spare[0], s.rng.spare[1]] : null },
  };
}
