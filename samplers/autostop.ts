/**
 * Automatic stopping (emcee's recipe): every `every` steps, estimate the integrated
 * autocorrelation time tau of each parameter; stop once the chain is longer than `factor` tau for
 * every parameter AND every tau changed by less than `rtol` (relative) since the previous check.
 *
 * Cost: one tau estimate reads the whole chain (~0.15 us per stored value: steps x walkers x
 * ndim), which for a cheap likelihood can exceed the cost of sampling itself (a 4-D, 32-walker
 * estimate at N steps costs about 2x the N steps). So a due check is skipped while the time
 * already spent on diagnostics exceeds `maxOverhead` times the time spent sampling (after a skip,
 * the estimate `every` steps back is recomputed, so the rule keeps emcee's meaning). With an
 * expensive likelihood (the use case: JAM models) this never triggers and checks happen every
 * `every` steps; with a trivial one the checks thin out and the overhead stays bounded. The chain
 * is bit-identical either way; only the step at which the run stops can depend on machine speed.
 * Set `maxOverhead: Infinity` for a stopping step that depends on the seed alone.
 */
import { InputError } from '../src/errors.ts';
import { autocorrTimeDetailed } from './diagnostics/index.ts';

export interface AutoStopOptions {
  /** Steps between checks (default 100). Each check costs one FFT pass over the stored chain. */
  every?: number;
  /** Required chain length in units of tau (default 50). */
  factor?: number;
  /** Required relative stability of tau between checks (default 0.01). */
  rtol?: number;
  /** Leading steps excluded from the tau estimate (default 0). */
  discard?: number;
  /**
   * Largest ratio of diagnostics time to sampling time (default 0.1). Infinity: check every
   * `every` steps regardless of cost (reproducible stopping step).
   */
  maxOverhead?: number;
}

/** Validated auto-stop settings. */
export interface AutoStop {
  every: number;
  factor: number;
  rtol: number;
  discard: number;
  maxOverhead: number;
}

/** Fills defaults and validates; throws InputError naming `autoStop.<field>`. */
export function autoStopSettings(o: AutoStopOptions | true): AutoStop {
  const s = o === true ? {} : o;
  const r = { every: s.every ?? 100, factor: s.factor ?? 50, rtol: s.rtol ?? 0.01, discard: s.discard ?? 0, maxOverhead: s.maxOverhead ?? 0.1 };
  if (!(Number.isInteger(r.every) && r.every >= 1)) throw new InputError('autoStop.every', `must be an integer >= 1, got ${r.every}`);
  if (!(r.factor > 0)) throw new InputError('autoStop.factor', `must be > 0, got ${r.factor}`);
  if (!(r.rtol > 0)) throw new InputError('autoStop.rtol', `must be > 0, got ${r.rtol}`);
  if (!(r.maxOverhead > 0)) throw new InputError('autoStop.maxOverhead', `must be > 0 (Infinity allowed), got ${r.maxOverhead}`);
  if (!(Number.isInteger(r.discard) && r.discard >= 0)) throw new InputError('autoStop.discard', `must be an integer >= 0, got ${r.discard}`);
  return r;
}

/**
 * Estimates tau per parameter from a flat step-major chain, quietly (no throw when short).
 * @returns tau per dimension in steps, or null when fewer than 4 steps are usable or a tau is undefined.
 */
export function currentTau(chain: Float64Array, nsteps: number, nwalkers: number, ndim: number, discard = 0): Float64Array | null {
  const n = nsteps - discard;
  if (n < 4) return null;
  const data = chain.subarray(discard * nwalkers * ndim, nsteps * nwalkers * ndim);
  const r = autocorrTimeDetailed(data, { nsteps: n, nwalkers, ndim }, { quiet: true });
  for (let d = 0; d < ndim; d++) if (!Number.isFinite(r.tau[d])) return null;
  return r.tau;
}

/** Whether `tau` (new) and `prev` (previous check) satisfy the stopping rule at `nsteps` steps. */
export function converged(tau: Float64Array, prev: Float64Array | null, nsteps: number, s: AutoStop): boolean {
  if (!prev) return false;
  for (let d = 0; d < tau.length; d++) {
    if (!(tau[d] * s.factor < nsteps)) return false;
    if (!(Math.abs(prev[d] - tau[d]) / tau[d] < s.rtol)) return false;
  }
  return true;
}
