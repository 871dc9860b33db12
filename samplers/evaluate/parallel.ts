/**
 * A piscina worker pool for expensive log-probabilities (e.g. the exact JAM model). Functions
 * cannot cross threads, so the user names a module and an export; each worker imports it once.
 * Each half-ensemble is split into one contiguous chunk per worker. Only positions go to the
 * workers and only log-probabilities and blobs come back; all random draws stay in the main
 * thread, so the chain is bit-identical to a serial run with the same seed.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { InputError, NumericalError } from '../../src/errors.ts';
import { formatPosition, type EvalBuffers, type Evaluator } from './evaluator.ts';

export interface WorkerPoolOptions {
  /**
   * The module defining the log-probability: a file URL (best: `new URL('./lik.ts',
   * import.meta.url)`), or a file path, relative paths resolved against the working directory.
   * TypeScript modules are loaded through tsx.
   */
  module: string | URL;
  /** Name of the export (default "default"). */
  exportName?: string;
  /** Whether the export is a {@link LogProbBatchFn} (true) or a {@link LogProbFn} (false, default). */
  batched?: boolean;
  /** Number of worker threads, >= 1 (default 2). More workers than cores only adds overhead. */
  workers?: number;
}

interface TaskResult {
  lp?: Float64Array;
  blobs?: Float64Array;
  error?: { row: number; message: string };
}

function toUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (/^(file|data|node):/.test(m)) return m;
  return pathToFileURL(isAbsolute(m) ? m : resolve(process.cwd(), m)).href;
}

/**
 * Creates a worker-pool evaluator; pass it as `evaluator` to the EnsembleSampler and call
 * `sampler.close()` (or `evaluator.close()`) when done, or the threads keep the process alive.
 * @param opts - see {@link WorkerPoolOptions}
 */
export function workerPoolEvaluator(opts: WorkerPoolOptions): Evaluator {
  const workers = opts.workers ?? 2;
  if (!(Number.isInteger(workers) && workers >= 1)) throw new InputError('workers', `must be an integer >= 1, got ${workers}`);
  if (opts.module === undefined || opts.module === '') throw new InputError('module', 'name the module that exports the log-probability');
  const moduleUrl = toUrl(opts.module);
  const exportName = opts.exportName ?? 'default';
  const batched = opts.batched ?? false;
  let pool: Piscina | null = null;
  let B: EvalBuffers;
  const fnName = batched ? 'logProbBatch' : 'logProb';

  async function runChunk(idx: Int32Array, from: number, to: number): Promise<void> {
    const { ndim, nblobs, x, lp, blobs } = B;
    const n = to - from;
    const xb = new Float64Array(n * ndim);
    for (let i = 0; i < n; i++) {
      const o = idx[from + i] * ndim;
      for (let d = 0; d < ndim; d++) xb[i * ndim + d] = x[o + d];
    }
    const r = (await pool!.run({ x: xb, n }, { transferList: [xb.buffer] })) as TaskResult;
    if (r.error) {
      const { row, message } = r.error;
      if (row >= 0) {
        const k = idx[from + row];
        throw new NumericalError(`${fnName} (${moduleUrl}#${exportName}) threw at walker ${k}, x = ${formatPosition(x.subarray(k * ndim, (k + 1) * ndim))}: ${message}`);
      }
      if (row === -2) throw new InputError(fnName, `${moduleUrl}#${exportName} ${message}; return one log-probability per row`);
      throw new NumericalError(`${fnName} (${moduleUrl}#${exportName}) threw on a batch of ${n} walkers: ${message}`);
    }
    const rl = r.lp!;
    const rb = r.blobs!;
    for (let i = 0; i < n; i++) {
      const k = idx[from + i];
      lp[k] = rl[i];
      for (let q = 0; q < nblobs; q++) blobs[k * nblobs + q] = rb[i * nblobs + q];
    }
  }

  return {
    kind: `workers(${workers})`,
    bind(b: EvalBuffers) {
      B = b;
      if (pool) return;
      pool = new Piscina({
        filename: new URL('./worker.mjs', import.meta.url).href,
        minThreads: workers,
        maxThreads: workers,
        idleTimeout: 60_000,
        workerData: { moduleUrl, exportName, batched, ndim: b.ndim, nblobs: b.nblobs },
      });
    },
    evaluate(idx: Int32Array): Promise<void> {
      const n = idx.length;
      const nw = Math.min(workers, n);
      const tasks: Promise<void>[] = [];
      for (let w = 0; w < nw; w++) {
        const from = Math.floor((w * n) / nw);
        const to = Math.floor(((w + 1) * n) / nw);
        tasks.push(runChunk(idx, from, to));
      }
      return Promise.all(tasks).then(() => undefined);
    },
    async close() {
      const p = pool;
      pool = null;
      if (p) await p.destroy();
    },
  };
}
