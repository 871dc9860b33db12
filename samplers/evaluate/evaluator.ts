/**
 * How the sampler gets log-probabilities. An evaluator fills `lp[k]` and blob row k for each
 * walker index k it is given, reading row k of the proposal buffer. It must not draw random numbers
 * and must compute each value from that walker's position alone, so that every evaluator gives the
 * same numbers and hence the same chain.
 */

/**
 * Per-walker log-probability.
 * @param x - the walker's position (length ndim). A view into the sampler's buffer, valid only
 *   during the call: read it, do not keep or modify it.
 * @param blob - length-nblobs view for per-walker metadata (e.g. a best-fit scale). It holds
 *   stale values on entry, so write all of it when nblobs > 0.
 * @returns log p(x) up to a constant; -Infinity outside the support; NaN is counted and treated
 *   as -Infinity; +Infinity is an error (improper target).
 */
export type LogProbFn = (x: Float64Array, blob: Float64Array) => number;

/**
 * Batched log-probability.
 * @param batch - n x ndim row-major positions (a view valid only during the call; do not modify).
 * @param n - number of rows.
 * @param blobs - n x nblobs row-major output for per-walker metadata (write all of it when
 *   nblobs > 0).
 * @returns n log-probabilities (any array-like; a Float64Array avoids a copy).
 */
export type LogProbBatchFn = (batch: Float64Array, n: number, blobs: Float64Array) => ArrayLike<number>;

/** Buffers an evaluator reads from and writes to; bound once, reused every step. */
export interface EvalBuffers {
  readonly nwalkers: number;
  readonly ndim: number;
  readonly nblobs: number;
  /** Positions to evaluate, nwalkers x ndim (row k = walker k). */
  readonly x: Float64Array;
  /** Output log-probabilities, length nwalkers. */
  readonly lp: Float64Array;
  /** Output blobs, nwalkers x nblobs. */
  readonly blobs: Float64Array;
}

export interface Evaluator {
  /** Human-readable kind, e.g. "per-walker", "batched", "workers(2)". */
  readonly kind: string;
  /** Called once by the sampler before any evaluation. */
  bind(buffers: EvalBuffers): void;
  /**
   * Evaluates the walkers listed in `idx`. Synchronous evaluators return undefined (no promise,
   * no microtask: the hot path stays allocation-free); asynchronous ones return a promise.
   */
  evaluate(idx: Int32Array): void | Promise<void>;
  /** Releases threads or files; idempotent. */
  close(): Promise<void>;
}

/** Formats a position for an error message: at most 8 coordinates, full precision. */
export function formatPosition(x: ArrayLike<number>): string {
  const n = Math.min(x.length, 8);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(String(x[i]));
  return `[${parts.join(', ')}${x.length > n ? ', ...' : ''}]`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Attaches the original exception as `cause` (the typed errors take no options bag). */
export function withCause<E extends Error>(err: E, cause: unknown): E {
  Object.defineProperty(err, 'cause', { value: cause, configurable: true, writable: true });
  return err;
}
