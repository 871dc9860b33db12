/**
 * Integrated autocorrelation time, following emcee (Foreman-Mackey et al. 2013; "autocorr"
 * notes, 2019) and Sokal (1997):
 *
 *   rho(t)  = normalised autocorrelation of each walker's series (FFT, mean removed),
 *             averaged over walkers;
 *   tau(M)  = 1 + 2 sum_{t=1}^{M} rho(t);
 *   M       = smallest M with M >= c * tau(M)  (Sokal's automatic window, c = 5);
 *   tau     = tau(M), in units of steps.
 *
 * The estimate is flagged unreliable when nsteps < tol * tau (tol = 50), as emcee does.
 * Statistical error (Sokal): var(tau_hat) ~= 2(2M+1)/N * tau^2, N = total draws averaged.
 */
import { InputError } from '../../core/errors.ts';
import { AutocorrError } from './errors.ts';
import { LagProductAccumulator } from './fft.ts';
import { nestedView, flatView, type ChainShape, type ChainView, type EnsembleChain } from './chain.ts';

/** Options of the autocorrelation-time estimators. */
export interface AutocorrOptions {
  /** Sokal window constant: the window is the smallest M with M >= c * tau(M). Default 5. */
  c?: number;
  /** Reliability threshold: flag when nsteps < tol * tau. Default 50. */
  tol?: number;
  /** When true, `autocorrTime` / `integratedTime` return the estimate instead of throwing. */
  quiet?: boolean;
}

/** Result of {@link autocorrTimeDetailed}. */
export interface AutocorrResult {
  /** Integrated autocorrelation time per dimension, in steps (>= ~1 in practice; NaN if undefined). */
  tau: Float64Array;
  /** Sokal window M chosen per dimension (-1 where tau is NaN). */
  window: Int32Array;
  /** False when nsteps < tol * tau for some dimension or a tau is undefined. */
  reliable: boolean;
  /** Why the estimate is unreliable (absent when reliable). */
  message?: string;
  /** Number of steps the estimate used. */
  nsteps: number;
}

function checkFinite(x: ArrayLike<number>, where: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new InputError(`${where}[${i}]`, `${Number.isNaN(v) ? 'is NaN' : 'is ' + v}; the series must be finite`);
  }
}

/**
 * Normalised autocorrelation function rho(t), t = 0..n-1, of a 1-D series, by FFT of the
 * mean-subtracted series zero-padded to the next power of two >= 2n. Uses the biased (1/n)
 * autocovariance, so rho(0) = 1 and |rho(t)| <= 1 (the estimator is positive semidefinite).
 *
 * @param x series of length n >= 2, finite values (any units; rho is dimensionless).
 * @returns Float64Array of length n. A constant series has undefined rho: all entries NaN.
 * @throws InputError if n < 2 or an element is not finite (names `x[i]`).
 */
export function autocorrFunction(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  if (n < 2) throw new InputError('x', `has ${n} elements; an autocorrelation needs at least 2`);
  checkFinite(x, 'x');
  let mean = 0;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) { mean += x[i]; if (x[i] < min) min = x[i]; if (x[i] > max) max = x[i]; }
  mean /= n;
  const out = new Float64Array(n);
  if (min === max) return out.fill(NaN);
  const xc = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) { xc[i] = x[i] - mean; ss += xc[i] * xc[i]; }
  const acc = new LagProductAccumulator(n);
  acc.add(xc, 1 / ss);
  acc.result(out);
  return out;
}

/**
 * Sokal's automatic window: given cumulative estimates taus[M] = 1 + 2 sum_{t=1}^{M} rho(t),
 * the smallest M with M >= c * taus[M], or taus.length - 1 if none (as emcee).
 */
export function autoWindow(taus: ArrayLike<number>, c: number): number {
  for (let m = 0; m < taus.length; m++) if (m >= c * taus[m]) return m;
  return taus.length - 1;
}

/**
 * Core: walker-averaged autocorrelation and windowed tau for each dimension of a view.
 * Pairs walkers into one complex FFT each (see `autocovariancePair`).
 */
function estimate(view: ChainView, opts: AutocorrOptions): AutocorrResult {
  const c = opts.c ?? 5;
  const tol = opts.tol ?? 50;
  if (!(c > 0)) throw new InputError('opts.c', `must be > 0, got ${c}`);
  if (!(tol >= 0)) throw new InputError('opts.tol', `must be >= 0, got ${tol}`);
  const { nsteps: n, nwalkers, ndim } = view;
  if (n < 4) throw new InputError('chain', `has ${n} steps; an autocorrelation time needs at least 4 (and ~${tol} tau for reliability)`);
  const acc = new LagProductAccumulator(n);
  const bx = new Float64Array(n), by = new Float64Array(n);
  const f = new Float64Array(n);
  const tau = new Float64Array(ndim);
  const window = new Int32Array(ndim);
  const problems: string[] = [];
  /** Copies series (w, d) into b with its mean removed; returns its sum of squares (0 if constant). */
  const prep = (w: number, d: number, b: Float64Array): number => {
    view.copySeries(w, d, b);
    let mean = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) { const v = b[i]; mean += v; if (v < min) min = v; if (v > max) max = v; }
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) { const v = b[i] - mean; b[i] = v; ss += v * v; }
    return min === max ? 0 : ss;
  };
  for (let d = 0; d < ndim; d++) {
    // Walker-averaged normalised autocorrelation: sum_w (1/nwalkers) * lagsum_w(t) / lagsum_w(0).
    acc.reset();
    let constantWalker = -1;
    for (let w = 0; w < nwalkers; w += 2) {
      const two = w + 1 < nwalkers;
      const sx = prep(w, d, bx);
      if (sx === 0) constantWalker = w;
      const sy = two ? prep(w + 1, d, by) : 1;
      if (sy === 0) constantWalker = w + 1;
      if (constantWalker >= 0) break;
      acc.add(bx, 1 / (nwalkers * sx), two ? by : null, two ? 1 / (nwalkers * sy) : 0);
    }
    if (constantWalker >= 0) {
      tau[d] = NaN;
      window[d] = -1;
      problems.push(`dim ${d}: walker ${constantWalker} is constant over all ${n} steps, so tau is undefined (stuck walker or fixed parameter)`);
      continue;
    }
    // Cumulative tau(M) = 2 * sum_{t=0}^{M} rho(t) - 1 and the first M >= c tau(M).
    acc.result(f);
    let cum = 0;
    let m = n - 1;
    let tm = NaN;
    for (let t = 0; t < n; t++) {
      cum += f[t];
      tm = 2 * cum - 1;
      if (t >= c * tm) { m = t; break; }
    }
    tau[d] = tm;
    window[d] = m;
  }
  const short: number[] = [];
  for (let d = 0; d < ndim; d++) if (Number.isFinite(tau[d]) && tol * tau[d] > n) short.push(d);
  if (short.length > 0) {
    problems.push(
      `the chain is shorter than ${tol} times the integrated autocorrelation time for ${short.length} parameter(s) ` +
      `(dims ${short.join(', ')}); use this estimate with caution and run a longer chain. ` +
      `N/${tol} = ${(n / tol).toFixed(1)}; tau: [${Array.from(tau, (t) => t.toPrecision(4)).join(', ')}]`,
    );
  }
  const result: AutocorrResult = { tau, window, reliable: problems.length === 0, nsteps: n };
  if (problems.length) result.message = problems.join('; ');
  return result;
}

/**
 * Integrated autocorrelation time of an ensemble chain, with the reliability verdict instead of
 * an exception. Accepts `chain[step][walker][dim]` or a flat step-major Float64Array with its shape.
 *
 * @param chain `chain[step][walker][dim]`, finite values, nsteps >= 4 (rectangular).
 * @param shapeOrOpts for a flat array: {nsteps, nwalkers, ndim}; element
 *   `data[(step*nwalkers + walker)*ndim + dim]`. Otherwise the options.
 * @returns tau per dimension (steps), Sokal window, `reliable` (false if nsteps < tol*tau or a
 *   tau is undefined because some walker is constant in that dimension, then tau = NaN there),
 *   and a human-readable `message`.
 * @throws InputError for non-rectangular/too-short chains or non-finite samples (named by index).
 */
export function autocorrTimeDetailed(chain: EnsembleChain, opts?: AutocorrOptions): AutocorrResult;
export function autocorrTimeDetailed(data: ArrayLike<number>, shape: ChainShape, opts?: AutocorrOptions): AutocorrResult;
export function autocorrTimeDetailed(
  chain: EnsembleChain | ArrayLike<number>,
  shapeOrOpts?: ChainShape | AutocorrOptions,
  maybeOpts?: AutocorrOptions,
): AutocorrResult {
  if (shapeOrOpts && 'nsteps' in shapeOrOpts) {
    return estimate(flatView(chain as ArrayLike<number>, shapeOrOpts), maybeOpts ?? {});
  }
  if (chain.length > 0 && typeof (chain as ArrayLike<unknown>)[0] === 'number') {
    throw new InputError('chain', 'is a flat array of numbers; pass its shape {nsteps, nwalkers, ndim} as the second argument (or use integratedTime for a single series)');
  }
  return estimate(nestedView(chain as EnsembleChain), (shapeOrOpts as AutocorrOptions) ?? {});
}

/**
 * Integrated autocorrelation time per dimension of an ensemble chain, emcee's
 * `get_autocorr_time`: walker-averaged FFT autocorrelation, Sokal window c (default 5).
 *
 * @param chain `chain[step][walker][dim]` or a flat Float64Array plus `{nsteps, nwalkers, ndim}`.
 * @returns tau per dimension, in steps.
 * @throws AutocorrError (carrying `.tau`) when nsteps < tol * tau (default tol 50) or a tau is
 *   undefined (constant walker), unless `opts.quiet` — then the estimate is returned (NaN where
 *   undefined); use {@link autocorrTimeDetailed} to get the warning as data.
 * @throws InputError on malformed or non-finite input.
 */
export function autocorrTime(chain: EnsembleChain, opts?: AutocorrOptions): number[];
export function autocorrTime(data: ArrayLike<number>, shape: ChainShape, opts?: AutocorrOptions): number[];
export function autocorrTime(
  chain: EnsembleChain | ArrayLike<number>,
  shapeOrOpts?: ChainShape | AutocorrOptions,
  maybeOpts?: AutocorrOptions,
): number[] {
  const flat = !!shapeOrOpts && 'nsteps' in shapeOrOpts;
  const opts = (flat ? maybeOpts : (shapeOrOpts as AutocorrOptions | undefined)) ?? {};
  const r = flat
    ? autocorrTimeDetailed(chain as ArrayLike<number>, shapeOrOpts as ChainShape, opts)
    : autocorrTimeDetailed(chain as EnsembleChain, opts);
  if (!r.reliable && !opts.quiet) throw new AutocorrError(r.tau, r.message ?? 'unreliable autocorrelation time');
  return Array.from(r.tau);
}

/**
 * Integrated autocorrelation time of a single 1-D series (one walker, one dimension), with the
 * same estimator and options as {@link autocorrTime}.
 * @param x finite series, length >= 4.
 * @returns tau in steps. Throws AutocorrError when len(x) < tol * tau unless `quiet`.
 */
export function integratedTime(x: ArrayLike<number>, opts: AutocorrOptions = {}): number {
  checkFinite(x, 'x');
  return autocorrTime(x, { nsteps: x.length, nwalkers: 1, ndim: 1 }, opts)[0];
}
