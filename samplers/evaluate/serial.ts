/** In-thread evaluators: one call per walker, or one batched call per half-ensemble. */
import { InputError, NumericalError } from '../../core/errors.ts';
import { errorMessage, formatPosition, withCause, type EvalBuffers, type Evaluator, type LogProbBatchFn, type LogProbFn } from './evaluator.ts';

/**
 * Evaluates a per-walker log-probability in the calling thread. Each walker gets a preallocated
 * view of its row, so a step allocates nothing.
 * @param fn - the log-probability; see {@link LogProbFn}.
 */
export function perWalkerEvaluator(fn: LogProbFn): Evaluator {
  let xs: Float64Array[] = [];
  let bs: Float64Array[] = [];
  let lp: Float64Array = new Float64Array(0);
  return {
    kind: 'per-walker',
    bind(b: EvalBuffers) {
      lp = b.lp;
      xs = [];
      bs = [];
      for (let k = 0; k < b.nwalkers; k++) {
        xs.push(b.x.subarray(k * b.ndim, (k + 1) * b.ndim));
        bs.push(b.blobs.subarray(k * b.nblobs, (k + 1) * b.nblobs));
      }
    },
    evaluate(idx: Int32Array) {
      for (let i = 0; i < idx.length; i++) {
        const k = idx[i];
        try {
          lp[k] = fn(xs[k], bs[k]);
        } catch (e) {
          throw withCause(new NumericalError(`logProb threw at walker ${k}, x = ${formatPosition(xs[k])}: ${errorMessage(e)}`), e);
        }
      }
    },
    async close() {},
  };
}

/**
 * Evaluates a batched log-probability in the calling thread: the walkers of one call are gathered
 * into a contiguous n x ndim block, the function is called once, and results are scattered back.
 * @param fn - the batched log-probability; see {@link LogProbBatchFn}.
 */
export function batchEvaluator(fn: LogProbBatchFn): Evaluator {
  let B: EvalBuffers;
  let xb = new Float64Array(0);
  let bb = new Float64Array(0);
  // Views for each batch size, built once: half-ensembles have at most two sizes plus the full start.
  const xViews = new Map<number, Float64Array>();
  const bViews = new Map<number, Float64Array>();
  return {
    kind: 'batched',
    bind(b: EvalBuffers) {
      B = b;
      xb = new Float64Array(b.nwalkers * b.ndim);
      bb = new Float64Array(b.nwalkers * b.nblobs);
      xViews.clear();
      bViews.clear();
    },
    evaluate(idx: Int32Array) {
      const { ndim, nblobs, x, lp, blobs } = B;
      const n = idx.length;
      let xv = xViews.get(n);
      let bv = bViews.get(n);
      if (xv === undefined || bv === undefined) {
        xv = xb.subarray(0, n * ndim);
        bv = bb.subarray(0, n * nblobs);
        xViews.set(n, xv);
        bViews.set(n, bv);
      }
      for (let i = 0; i < n; i++) {
        const o = idx[i] * ndim;
        const oi = i * ndim;
        for (let d = 0; d < ndim; d++) xb[oi + d] = x[o + d];
      }
      let r: ArrayLike<number>;
      try {
        r = fn(xv, n, bv);
      } catch (e) {
        throw withCause(new NumericalError(`logProbBatch threw on a batch of ${n} walkers (${Array.from(idx.subarray(0, 8)).join(', ')}${n > 8 ? ', ...' : ''}): ${errorMessage(e)}`), e);
      }
      if (r == null || r.length !== n)
        throw new InputError('logProbBatch', `returned ${r == null ? r : `${r.length} values`} for a batch of ${n} walkers; return one log-probability per row`);
      for (let i = 0; i < n; i++) {
        const k = idx[i];
        lp[k] = r[i];
        const ob = k * nblobs;
        const oi = i * nblobs;
        for (let q = 0; q < nblobs; q++) blobs[ob + q] = bb[oi + q];
      }
    },
    async close() {},
  };
}
