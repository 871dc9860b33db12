/**
 * Automatic stopping (emcee's recipe): at scheduled checks, estimate the integrated
 * autocorrelation time tau of each parameter; stop once the chain is longer than `factor` tau for
 * every parameter AND every tau changed by less than `rtol` (relative) over the last `every`
 * steps (tau at the check vs tau `every` steps earlier, same thinning, as emcee).
 *
 * Schedule (default): a pure function of the step count, so the stopping step depends on the
 * seed alone, never on machine speed. A check is due at step `it` when `it` is a multiple of
 * the spacing s(it) = every * 2^k, the largest power-of-two multiple of `every` not above
 * max(every, growth * it): every `every` steps while it < 2 every / growth (2000 steps with the
 * defaults), then spacings between growth/2 and growth of the chain length. Each check reads the
 * whole chain (~0.15 us per stored value), so checking every `every` steps would make a long run
 * quadratic in its length; this schedule reads about 2 / growth + (dense part) chain lengths in
 * all (a constant factor times one estimate, whatever the length), and stops at most a fraction
 * `growth` (10 %) of the chain later than checking every `every` steps would.
 *
 * Two more measures bound the cost: the chain is thinned for the estimate by t = floor(tau / 10)
 * (from the previous estimate), which changes tau by well under 1 % (for an AR(1) chain the
 * thinned estimate times t is high by ~(t / tau)^2 / 3) and divides the cost by t; and the
 * estimate `every` steps back is only made when the length rule already holds (dense checks
 * reuse the previous one).
 *
 * Opt-in, time-based (`maxOverhead`, the former default): check every `every` steps, but skip a
 * due check when its predicted cost would bring the diagnostics time above `maxOverhead` times
 * the sampling time, unless the chain has doubled since the last check. Cheaper for trivial
 * likelihoods; the stopping step then depends on machine speed (the chain never does).
 *
 * Stuck walkers: a walker that has not moved over the whole estimation window makes tau
 * undefined (NaN), so the rule above could never be met and the run would go on to its step
 * cap. A check that finds such a walker stops the run with status 'stuck-walkers', naming the
 * walkers and their positions, once staying put is no longer plausible for a live walker:
 * (1 - a)^(n-1) < 1e-6 / nwalkers, a the acceptance rate of the moving walkers over those n steps.
 */
import { InputError } from '../core/errors.ts';
import { autocorrTimeDetailed } from './diagnostics/index.ts';

export interface AutoStopOptions {
  /** Steps between dense checks and the lag of the stability comparison, integer >= 1 (default 100). */
  every?: number;
  /** Required chain length in units of tau, > 0 (default 50). */
  factor?: number;
  /** Required relative stability of tau over `every` steps, > 0 (default 0.01). */
  rtol?: number;
  /** Leading steps excluded from the tau estimate, integer >= 0 (default 0). */
  discard?: number;
  /**
   * Check spacing as a fraction of the chain length once that exceeds 2 every / growth, in
   * [0, 1] (default 0.1; see the module comment). 0: a check every `every` steps (emcee's
   * schedule; cost quadratic in the length).
   */
  growth?: number;
  /**
   * Opt-in time-based schedule: largest ratio of diagnostics time to sampling time, > 0. When
   * finite, checks are every `every` steps, skipped by measured time (see the module comment)
   * and `growth` is ignored; the stopping step then depends on machine speed.
   * Infinity (the default): the deterministic schedule.
   */
  maxOverhead?: number;
}

/** Validated auto-stop settings. */
export interface AutoStop {
  every: number;
  factor: number;
  rtol: number;
  discard: number;
  growth: number;
  /** Infinity for the deterministic schedule. */
  maxOverhead: number;
}

/** Fills defaults and validates; throws InputError naming `autoStop.<field>`. */
export function autoStopSettings(o: AutoStopOptions | true): AutoStop {
  const s = o === true ? {} : o;
  const r = {
    every: s.every ?? 100, factor: s.factor ?? 50, rtol: s.rtol ?? 0.01, discard: s.discard ?? 0,
    growth: s.growth ?? 0.1, maxOverhead: s.maxOverhead ?? Infinity,
  };
  if (!(Number.isInteger(r.every) && r.every >= 1)) throw new InputError('autoStop.every', `must be an integer >= 1, got ${r.every}`);
  if (!(r.factor > 0)) throw new InputError('autoStop.factor', `must be > 0, got ${r.factor}`);
  if (!(r.rtol > 0)) throw new InputError('autoStop.rtol', `must be > 0, got ${r.rtol}`);
  if (!(r.growth >= 0 && r.growth <= 1)) throw new InputError('autoStop.growth', `must be in [0, 1], got ${r.growth}`);
  if (!(r.maxOverhead > 0)) throw new InputError('autoStop.maxOverhead', `must be > 0 (Infinity allowed), got ${r.maxOverhead}`);
  if (!(Number.isInteger(r.discard) && r.discard >= 0)) throw new InputError('autoStop.discard', `must be an integer >= 0, got ${r.discard}`);
  return r;
}

/**
 * Whether the deterministic schedule checks at step `it` (see the module comment): `it` is a
 * multiple of every * 2^k, 2^k the largest power of two with every * 2^k <= max(every, growth * it).
 * @param it step count (integer); @param every integer >= 1; @param growth in [0, 1].
 */
export function checkDue(it: number, every: number, growth: number): boolean {
  if (it <= 0 || it % every !== 0) return false;
  let spacing = every;
  while (2 * spacing <= growth * it) spacing *= 2;
  return it % spacing === 0;
}

/**
 * Estimates tau per parameter (in steps) from steps [discard, nsteps) of a flat step-major chain,
 * using every `thin`-th step from `discard` on; quiet (no throw when the chain is short).
 * @returns tau per dimension, or null when fewer than 4 (thinned) steps are usable or a tau is
 *   undefined (some walker constant in some dimension: see {@link stuckWalkers}).
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

/** Walkers found stuck by {@link stuckWalkers}. */
export interface StuckReport {
  /** Walker indices (0-based) that did not move in the steps examined. */
  walkers: number[];
  /** Acceptance rate of the other walkers over the same steps (NaN if all are stuck). */
  acceptance: number;
  /** One-line explanation naming the walkers, their positions and what to do. */
  message: string;
}

/**
 * Finds walkers whose position never changed in steps [from, to) of a flat step-major chain, and
 * reports them when that is implausible for a live walker: with a the acceptance rate of the
 * moving walkers over those steps, a live walker stays put for n - 1 transitions with probability
 * (1 - a)^(n-1); below 1e-6 / nwalkers (so a false alarm anywhere in the ensemble has
 * probability < 1e-6), or when no walker moved at all, the walkers are declared stuck.
 * @param names parameter names for the message (default x0, x1, ...).
 * @returns the report, or null when no walker is (significantly) stuck or fewer than 2 steps.
 */
export function stuckWalkers(chain: Float64Array, from: number, to: number, nwalkers: number, ndim: number, names?: readonly string[]): StuckReport | null {
  const n = to - from;
  if (n < 2) return null;
  const row = nwalkers * ndim;
  const stuck: number[] = [];
  let moves = 0;
  for (let w = 0; w < nwalkers; w++) {
    let changes = 0;
    for (let i = 1; i < n; i++) {
      const oi = (from + i) * row + w * ndim, op = oi - row;
      for (let d = 0; d < ndim; d++) if (chain[oi + d] !== chain[op + d]) { changes++; break; }
    }
    if (changes === 0) stuck.push(w);
    else moves += changes;
  }
  if (stuck.length === 0) return null;
  const live = nwalkers - stuck.length;
  const a = live > 0 ? moves / (live * (n - 1)) : NaN;
  const implausible = live === 0 || a === 1 || (n - 1) * -Math.log1p(-a) > Math.log(1e6 * nwalkers);
  if (!implausible) return null;
  const show = stuck.slice(0, 5).map((w) => {
    const o = from * row + w * ndim;
    const x = Array.from({ length: ndim }, (_, d) => `${names?.[d] ?? `x${d}`}=${chain[o + d].toPrecision(6)}`).join(', ');
    return `walker ${w} (${x})`;
  });
  const more = stuck.length > 5 ? ` and ${stuck.length - 5} more` : '';
  const why = live > 0 ? `while the others accepted ${(100 * a).toFixed(1)} % of their moves` : 'and neither did any other walker';
  return {
    walkers: stuck,
    acceptance: a,
    message:
      `${stuck.length} walker(s) never moved in steps ${from}-${to - 1} ${why}: ${show.join('; ')}${more}. ` +
      `tau is undefined, so auto-stop cannot converge; the log-probability is probably -Infinity (or far lower) all ` +
      `around them: start the walkers inside the posterior's support (e.g. a small ball around a good point) or check the prior bounds`,
  };
}

function longEnough(tau: Float64Array, nsteps: number, s: AutoStop): boolean {
  for (let d = 0; d < tau.length; d++) if (!(tau[d] * s.factor < nsteps)) return false;
  return true;
}

function stable(tau: Float64Array, prev: Float64Array, s: AutoStop): boolean {
  for (let d = 0; d < tau.length; d++) if (!(Math.abs(prev[d] - tau[d]) / tau[d] < s.rtol)) return false;
  return true;
}

/** Whether `tau` (new) and `prev` (`every` steps earlier) satisfy the stopping rule at `nsteps` steps. */
export function converged(tau: Float64Array, prev: Float64Array | null, nsteps: number, s: AutoStop): boolean {
  return prev !== null && longEnough(tau, nsteps, s) && stable(tau, prev, s);
}

/** Outcome of a {@link TauMonitor.check}. */
export type CheckVerdict = 'converged' | 'stuck' | null;

/**
 * Runs the stopping rule on its schedule; one per `run` call. Also serves the progress bar's
 * tau when auto-stop is off (time-budgeted: it only changes what the bar shows).
 */
export class TauMonitor {
  /** Latest tau estimate (steps), or null. */
  tau: Float64Array | null = null;
  /** Set when a check stopped the run for stuck walkers. */
  stuck: StuckReport | null = null;
  private prev: Float64Array | null = null;
  private lastCheck = -1;
  private lastThin = 1;
  private diagMs = 0;
  // Cost of a tau estimate per stored value (ms), for the time-based modes: a prior guess, then measured.
  private msPerValue = 2e-4;
  private readonly t0 = performance.now();

  constructor(
    private readonly nwalkers: number,
    private readonly ndim: number,
    private readonly s: AutoStop | null,
    private readonly names?: readonly string[],
  ) {}

  /** Whether step `it` gets a check (auto-stop on; call after every step). */
  due(it: number): boolean {
    const s = this.s!;
    if (Number.isFinite(s.maxOverhead)) return it % s.every === 0;
    return checkDue(it, s.every, s.growth);
  }

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
   * Runs a due check (see {@link due}) at step `it`.
   * @param chain - the stored chain (flat, step-major), `it` steps long.
   * @returns 'converged' when the rule is met, 'stuck' when walkers are stuck (see `stuck`), else null.
   */
  check(chain: Float64Array, it: number): CheckVerdict {
    const s = this.s!;
    const W = this.nwalkers;
    const D = this.ndim;
    const now = performance.now();
    const minTau = this.tau ? Math.min(...this.tau) : 0;
    const thin = Math.max(1, Math.floor(minTau / 10));
    const havePrev = this.lastCheck === it - s.every && thin === this.lastThin;
    const usable = Math.max(it - s.discard, 0);
    if (Number.isFinite(s.maxOverhead)) {
      const values = ((havePrev ? 1 : 2) * usable * W * D) / thin;
      // Over budget, still check whenever the chain has doubled since the last check: the stop then
      // comes at most ~2x late, and the diagnostics cost at most ~2 full estimates at the end.
      if (this.lastCheck >= 0 && it < 2 * this.lastCheck && !this.affordable(values, now, s.maxOverhead)) return null;
    }
    return this.timed((usable * W * D) / thin, now, () => {
      const from = Math.min(s.discard, it);
      const tau = currentTau(chain, it, W, D, from, thin);
      let prev = havePrev ? this.prev : null;
      // The estimate `every` steps back is only worth making once the length rule holds.
      if (!havePrev && tau && longEnough(tau, usable, s) && it - s.every > s.discard) prev = currentTau(chain, it - s.every, W, D, s.discard, thin);
      this.lastCheck = it;
      this.lastThin = thin;
      this.prev = tau;
      if (tau) {
        this.tau = tau;
        return converged(tau, prev, usable, s) ? 'converged' : null;
      }
      this.stuck = stuckWalkers(chain, from, it, W, D, this.names);
      return this.stuck ? 'stuck' : null;
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
