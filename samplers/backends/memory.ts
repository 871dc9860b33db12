/** In-memory chain storage: flat Float64Arrays that grow by doubling. */
import { InputError } from '../../core/errors.ts';
import { copyState, type SamplerState } from '../state.ts';
import type { Backend, Dims } from './backend.ts';

/** Keeps the whole chain in memory. Checkpoints are kept too, so a new sampler can resume from it. */
export class MemoryBackend implements Backend {
  iteration = 0;
  dims: Dims | null = null;
  protected cap = 0;
  protected x: Float64Array = new Float64Array(0);
  protected lp: Float64Array = new Float64Array(0);
  protected b: Float64Array = new Float64Array(0);
  protected saved: SamplerState | null = null;

  init(dims: Dims): void {
    if (this.iteration > 0)
      throw new InputError('backend', `already holds ${this.iteration} steps; continue them with run(null, nsteps) or use a fresh backend`);
    this.dims = { ...dims, blobNames: dims.blobNames?.slice() };
    this.cap = 0;
    this.x = new Float64Array(0);
    this.lp = new Float64Array(0);
    this.b = new Float64Array(0);
    this.saved = null;
  }

  wantsCheckpoint(_iteration: number): boolean {
    return false;
  }

  lastState(): SamplerState | null {
    return this.saved ? copyState(this.saved) : null;
  }

  reserve(steps: number): void {
    // At least doubling, so repeated short runs do not copy the whole chain each time.
    if (steps > this.cap) this.grow(Math.max(steps, 2 * this.cap));
  }

  protected grow(steps: number): void {
    const { nwalkers, ndim, nblobs } = this.dims!;
    const n = this.iteration;
    const x = new Float64Array(steps * nwalkers * ndim);
    x.set(this.x.subarray(0, n * nwalkers * ndim));
    const lp = new Float64Array(steps * nwalkers);
    lp.set(this.lp.subarray(0, n * nwalkers));
    const b = new Float64Array(steps * nwalkers * nblobs);
    b.set(this.b.subarray(0, n * nwalkers * nblobs));
    this.x = x;
    this.lp = lp;
    this.b = b;
    this.cap = steps;
  }

  append(positions: Float64Array, logProb: Float64Array, blobs: Float64Array): void {
    if (this.iteration >= this.cap) this.grow(Math.max(16, 2 * this.cap));
    const n = this.iteration;
    this.x.set(positions, n * positions.length);
    this.lp.set(logProb, n * logProb.length);
    if (blobs.length) this.b.set(blobs, n * blobs.length);
    this.iteration = n + 1;
  }

  checkpoint(state: SamplerState): void {
    this.saved = copyState(state);
  }

  chain(): Float64Array {
    const d = this.dims;
    return d ? this.x.subarray(0, this.iteration * d.nwalkers * d.ndim) : this.x;
  }

  logProb(): Float64Array {
    const d = this.dims;
    return d ? this.lp.subarray(0, this.iteration * d.nwalkers) : this.lp;
  }

  blobs(): Float64Array {
    const d = this.dims;
    return d ? this.b.subarray(0, this.iteration * d.nwalkers * d.nblobs) : this.b;
  }
}
