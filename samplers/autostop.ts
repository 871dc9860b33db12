/**
 * Automatic stopping (emcee's recipe): every `every` steps, estimate the integrated
 * autocorrelation time tau of each parameter; stop once the chain is longer than `factor` tau for
 * every parameter AND every tau changed by less than `rtol` (relative) over the last `every` steps.
 *
 * Cost. One tau estimate reads the whole chain (~0.15 us per stored value, values = steps x
 * walkers x ndim): for a cheap likelihood that is about twice the cost of sampling those steps, so
 * checking every 100 steps would make the run quadratic in its length. Two measures bound it:
 *
 *  - the chain is thinned for the estimate by t = floor(tau / 10) (from the previous estimate),
 *    which changes tau by well under 1 % (for an AR(1) chain the thinned estimate times t is high
 *    by ~(t / tau)^2 / 3) and divides the cost by t; both estimates compared by the rule use the
 *    same thinning and the same start, so they share their data as in emcee;
 *  - a due check is skipped when its predicted cost (from the measured cost per value of the
 *    last one) would bring the diagnostics time above `maxOverhead` times the sampling time,
 *    unless the chain has doubled since the last check. With an expensive likelihood (the use
 *    case: JAM models) nothing is skipped and checks are made every `every` steps; with a trivial
 *    one they thin out to one per doubling at worst.
 *
 * The chain is bit-identical either way; only the step at which the run stops can depend on
 * machine speed. `maxOverhead: Infinity` gives a stopping step that depends on the seed alone.
 */
import { InputError } from '../core/errors.ts';
import { autocorrTimeDetailed } from './diagnostics/index.ts';

export interface AutoStopOptions {
  /** Steps between checks, integer >= 1 (default 100). */
  every?: number;
  /** Required chain length in units of tau, > 0 (default 50). */
  factor?: number;
  /** Required relative stability of tau over `every` steps, > 0 (default 0.01). */
  rtol?: number;
  /** Leading steps excluded from the tau estimate, integer >= 0 (default 0). */
  discard?: number;
  /**
   * Largest ratio of diagnostics time to sampling time, > 0 (default 0.5). Infinity: check every
   * `every` steps whatever the cost (reproducible stopping step).
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
  const r = { every: s.every ?? 100, factor: s.factor ?? 50, rtol: s.rtol ?? 0.01, discard: s.discard ?? 0, maxOverhead: s.maxOverhead ?? 0.5 };
  if (!(Number.isInteger(r.every) && r.every >= 1)) throw new InputError('autoStop.every', `must be an integer >= 1, got ${r.every}`);
  if (!(r.factor > 0)) throw new InputError('autoStop.factor', `must be > 0, got ${r.factor}`);
  if (!(r.rtol > 0)) throw new InputError('autoStop.rtol', `must be > 0, got ${r.rtol}`);
  if (!(r.maxOverhead > 0)) throw new InputError('autoStop.maxOverhead', `must be > 0 (Infinity allowed), got ${r.maxOverhead}`);
  if (!(Number.isInteger(r.discard) && r.discard >= 0)) throw new InputError('autoStop.discard', `must be an integer >= 0, got ${r.discard}`);
  return r;
}

/**
 * Estimates tau per parameter (in steps) from steps [discard, nsteps) of a flat step-major chain,
 * using every `thin`-th step from `discard` on; quiet (no throw when the chain is short).
 * @returns tau per dimension, or null when fewer than 4 (thinned) steps are usable or a tau is undefined.
 */
export function currentTau(chain: Float64Array, nsteps: number, nwalkers: number, ndim: number, discard = 0, thin = 1): Float64Array | null {
  const row = nwalkers * ndim;
  const n = Math.ceil((nsteps - discard) / thin);
  if (n < 4) return null;
  let data: Float64Array;
  if (thin === 1) data = chain.subarray(discard * row, nsteps * row);
  else {
    data = new Float64Array(n * row);
    for (let i = 0; i < n; i++) data.set(chain.subarray((discard + i * thin) * row, (discard + i * thin + 1) * row), i * row);
  }
  const r = autocorrTimeDetailed(data, { nsteps: n, nwalkers, ndim }, { quiet: true });
  for (let d = 0; d < ndim; d++) {
    if (!Number.isFinite(r.tau[d])) return null;
    r.tau[d] *= thin;
  }
  return r.tau;
}

/** Whether `tau` (new) and `prev` (`every` steps earlier) satisfy the stopping rule at `nsteps` steps. */
export function converged(tau: Float64Array, prev: Float64Array | null, nsteps: number, s: AutoStop): boolean {
  if (!prev) return false;
  for (let d = 0; d < tau.length; d++) {
    if (!(tau[d] * s.factor < nsteps)) return false;
    if (!(Math.abs(prev[d] - tau[d]) / tau[d] < s.rtol)) return false;
  }
  return true;
}

/**
 * Runs the stopping rule within a time budget; one per `run` call. Also serves the progress bar's
 * tau when auto-stop is off (same budget).
 */
export class TauMonitor {
  /** Latest tau estimate (steps), or null. */
  tau: Float64Array | null = null;
  private prev: Float64Array | null = null;
  private lastCheck = -1;
  private lastThin = 1;
  private diagMs = 0;
  // Cost of a tau estimate per stored value (ms): a prior guess, then measured.
  private msPerValue = 2e-4;
  private readonly t0 = performance.now();

  constructor(
    private readonly nwalkers: number,
    private readonly ndim: number,
    private readonly s: AutoStop | null,
  ) {}

  private affordable(values: number, now: number, maxOverhead: number): boolean {
    return this.diagMs + values * this.msPerValue <= maxOverhead * (now - this.t0 - this.diagMs);
  }

  private timed<T>(values: number, now: number, f: () => T): T {
    const r = f();
    const spent = performance.now() - now;
    this.diagMs += spent;
    if (values > 0) this.msPerValue = spent / values;
    return r;
  }

  /**
   * Call at every step that is a multiple of `every`. Returns true when the rule is met.
   * @param chain - the stored chain (flat, step-major), `it` steps long.
   */
  check(chain: Float64Array, it: number): boolean {
    const s = this.s!;
    const W = this.nwalkers;
    const D = this.ndim;
    const now = performance.now();
    const minTau = this.tau ? Math.min(...this.tau) : 0;
    const thin = Math.max(1, Math.floor(minTau / 10));
    const catchUp = this.lastCheck !== it - s.every || thin !== this.lastThin;
    const usable = Math.max(it - s.discard, 0);
    const values = ((catchUp ? 2 : 1) * usable * W * D) / thin;
    // Over budget, still check whenever the chain has doubled since the last check: the stop then
    // comes at most ~2x late, and the diagnostics cost at most ~2 full estimates at the end.
    if (this.lastCheck >= 0 && it < 2 * this.lastCheck && !this.affordable(values, now, s.maxOverhead)) return false;
    return this.timed(values, now, () => {
      if (catchUp) this.prev = it - s.every > s.discard ? currentTau(chain, it - s.every, W, D, s.discard, thin) : null;
      const tau = currentTau(chain, it, W, D, Math.min(s.discard, it), thin);
      this.lastCheck = it;
      this.lastThin = thin;
      const done = tau !== null && converged(tau, this.prev, usable, s);
      this.prev = tau;
      if (tau) this.tau = tau;
      return done;
    });
  }

  /** Refreshes `tau` for the progress bar if it fits a 10 % budget (auto-stop off). */
  refreshForBar(chain: Float64Array, it: number): void {
    const now = performance.now();
    const thin = this.tau ? Math.max(1, Math.floor(Math.min(...this.tau) / 10)) : 1;
    const values = (it * this.nwalkers * this.ndim) / thin;
    if (it < 100 || !this.affordable(values, now, 0.1)) return;
    this.timed(values, now, () => {
      const tau = currentTau(chain, it, this.nwalkers, this.ndim, 0, thin);
      if (tau) this.tau = tau;
    });
  }
}
