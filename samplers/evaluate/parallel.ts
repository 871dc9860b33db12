/**
 * A piscina worker pool for expensive log-probabilities (e.g. the exact JAM model). Functions
 * cannot cross threads, so the user names a module and an export; each worker imports it once.
 *
 * Piscina owns the threads (start-up, module loading, crash reporting); each thread runs one
 * long-lived task that serves evaluations over a SharedArrayBuffer channel with Atomics, because a
 * piscina message round trip (0.2-0.6 ms on a small VM) would cost more than a 50 us likelihood
 * saves. Each half-ensemble is split into one contiguous chunk per worker. Only positions go to
 * the workers and only log-probabilities and blobs come back; all random draws stay in the main
 * thread, so the chain is bit-identical to a serial run with the same seed.
 *
 * Channel per worker (one SharedArrayBuffer): Int32 control words [seq, done, rows, status,
 * errorRow, messageLength, -, -], then Float64 x (maxRows x ndim), lp (maxRows), blobs
 * (maxRows x nblobs), then a 2048-byte UTF-8 error message.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { InputError, NumericalError } from '../../core/errors.ts';
import { channelBytes, channelViews, DONE, ERR_ROW, MSG_LEN, ROWS, SEQ, STATUS } from './channel.mjs';
import { formatPosition, type EvalBuffers, type Evaluator } from './evaluator.ts';

export interface WorkerPoolOptions {
  /**
   * The module defining the log-probability: a file URL (best: `new URL('./lik.ts',
   * import.meta.url)`), or a file path, relative paths resolved against the working directory.
   * TypeScript modules are loaded through tsx (a development dependency of jamfit: install it
   * beside jamfit to pass a .ts module) unless this Node strips types itself.
   */
  module: string | URL;
  /** Name of the export (default "default"). */
  exportName?: string;
  /** Whether the export is a {@link LogProbBatchFn} (true) or a {@link LogProbFn} (false, default). */
  batched?: boolean;
  /** Number of worker threads, >= 1 (default 2). More workers than free cores only adds overhead. */
  workers?: number;
  /**
   * Data each worker needs once (a galaxy's bins, photometry, options), handed over at start-up.
   * When given, the export is a SETUP function: each worker calls it once with its own structured
   * clone of `init` (plain objects, arrays, typed arrays; no functions) and uses the function it
   * returns (or resolves to) as the log-probability ({@link LogProbFn}, or {@link LogProbBatchFn}
   * with `batched`). Without it the export is the log-probability itself.
   */
  init?: unknown;
}


interface Channel {
  ctrl: Int32Array;
  x: Float64Array;
  lp: Float64Array;
  blobs: Float64Array;
  msg: Uint8Array;
  /** Settles only when the worker's serving task ends (stop, or failure such as a bad module). */
  task: Promise<unknown>;
  /** Set when the task has ended: why (the task's error, or a stop the evaluator did not ask for). */
  ended: Error | null;
  seq: number;
}

function toUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (/^(file|data|node):/.test(m)) return m;
  return pathToFileURL(isAbsolute(m) ? m : resolve(process.cwd(), m)).href;
}

/**
 * Refuses, before any thread starts, a TypeScript module that the workers could not load: one
 * this Node cannot import natively (no type stripping, as on Node 20) while tsx, which the worker
 * (./worker.mjs, in this folder) falls back to, does not resolve from here.
 */
function checkLoadable(moduleUrl: string): void {
  if (!/\.[mc]?ts$/.test(new URL(moduleUrl).pathname)) return;
  if ((process.features as { typescript?: unknown }).typescript) return;
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
  } catch {
    throw new InputError('module', `${moduleUrl} is TypeScript and tsx is not installed: run \`npm install tsx\`, or pass a compiled .js module`);
  }
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
  checkLoadable(moduleUrl);
  const exportName = opts.exportName ?? 'default';
  const batched = opts.batched ?? false;
  const fnName = batched ? 'logProbBatch' : 'logProb';
  const hasInit = opts.init !== undefined;
  if (hasInit) {
    try {
      structuredClone(opts.init);
    } catch (e) {
      throw new InputError('init', `cannot be sent to the workers (${e instanceof Error ? e.message : String(e)}); pass plain data`);
    }
  }
  let pool: Piscina | null = null;
  let channels: Channel[] = [];
  let B: EvalBuffers;
  const dec = new TextDecoder();

  /**
   * Resolves when worker `c` has finished job `seq`; rejects if its task ended instead.
   * The main thread blocks in Atomics.wait (it has nothing else to do during an evaluation):
   * waking from it takes ~10 us, whereas Atomics.waitAsync, which goes through the event loop,
   * measured 100-300 us per wake-up here. Every 20 ms it yields to the event loop so that a
   * crashed worker (its task promise settling) is noticed.
   */
  async function finished(c: Channel, seq: number): Promise<void> {
    for (;;) {
      const done = Atomics.load(c.ctrl, DONE);
      if (done === seq) return;
      if (Atomics.wait(c.ctrl, DONE, done, 20) === 'timed-out') {
        await new Promise((r) => setImmediate(r));
        if (c.ended) throw c.ended;
      }
    }
  }

  function check(c: Channel, idx: Int32Array, from: number, n: number): void {
    if (c.ctrl[STATUS] === 0) return;
    const row = c.ctrl[ERR_ROW];
    const message = dec.decode(c.msg.slice(0, c.ctrl[MSG_LEN]));
    if (row >= 0) {
      const k = idx[from + row];
      const { ndim, x } = B;
      throw new NumericalError(`${fnName} (${moduleUrl}#${exportName}) threw at walker ${k}, x = ${formatPosition(x.subarray(k * ndim, (k + 1) * ndim))}: ${message}`);
    }
    if (row === -2) throw new InputError(fnName, `${moduleUrl}#${exportName} ${message}; return one log-probability per row`);
    throw new NumericalError(`${fnName} (${moduleUrl}#${exportName}) threw on a batch of ${n} walkers: ${message}`);
  }

  return {
    kind: `workers(${workers})`,
    bind(b: EvalBuffers) {
      if (pool) {
        if (b.nwalkers !== B.nwalkers || b.ndim !== B.ndim || b.nblobs !== B.nblobs)
          throw new InputError('evaluator', 'this worker pool already serves a sampler of another shape; create one pool per sampler');
        B = b;
        return;
      }
      B = b;
      const { nwalkers, ndim, nblobs } = b;
      const maxRows = Math.ceil(nwalkers / workers);
      pool = new Piscina({ filename: new URL('./worker.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers, idleTimeout: Infinity });
      channels = [];
      for (let w = 0; w < workers; w++) {
        const sab = new SharedArrayBuffer(channelBytes(ndim, nblobs, maxRows));
        const { ctrl, x, lp, blobs, msg } = channelViews(sab, ndim, nblobs, maxRows);
        // DONE = -1 until the worker has loaded the module and entered its loop.
        ctrl[DONE] = -1;
        const task = pool.run({ sab, moduleUrl, exportName, batched, ndim, nblobs, maxRows, hasInit, init: opts.init });
        const ch: Channel = { ctrl, x, lp, blobs, msg, task, ended: null, seq: 0 };
        // Surfaced by `finished`; handled here so Node does not report an unhandled rejection.
        task.then(
          () => (ch.ended = new NumericalError(`worker for ${moduleUrl}#${exportName} stopped unexpectedly`)),
          (err: unknown) => (ch.ended = new NumericalError(`worker for ${moduleUrl}#${exportName} failed: ${err instanceof Error ? err.message : String(err)}`)),
        );
        channels.push(ch);
      }
    },
    async evaluate(idx: Int32Array): Promise<void> {
      const { ndim, nblobs, x, lp, blobs } = B;
      const n = idx.length;
      const nw = Math.min(workers, n);
      const bounds: number[] = [];
      for (let w = 0; w <= nw; w++) bounds.push(Math.floor((w * n) / nw));
      // Wait for start-up (module loading) once; afterwards DONE is always >= 0.
      for (let w = 0; w < nw; w++) if (Atomics.load(channels[w].ctrl, DONE) < 0) await finished(channels[w], 0);
      for (let w = 0; w < nw; w++) {
        const c = channels[w];
        const from = bounds[w];
        const rows = bounds[w + 1] - from;
        for (let i = 0; i < rows; i++) {
          const o = idx[from + i] * ndim;
          for (let d = 0; d < ndim; d++) c.x[i * ndim + d] = x[o + d];
        }
        c.ctrl[ROWS] = rows;
        c.seq++;
        Atomics.store(c.ctrl, SEQ, c.seq);
        Atomics.notify(c.ctrl, SEQ);
      }
      for (let w = 0; w < nw; w++) {
        const c = channels[w];
        await finished(c, c.seq);
        const from = bounds[w];
        const rows = bounds[w + 1] - from;
        check(c, idx, from, rows);
        for (let i = 0; i < rows; i++) {
          const k = idx[from + i];
          lp[k] = c.lp[i];
          for (let q = 0; q < nblobs; q++) blobs[k * nblobs + q] = c.blobs[i * nblobs + q];
        }
      }
    },
    async close() {
      const p = pool;
      pool = null;
      if (!p) return;
      for (const c of channels) {
        Atomics.store(c.ctrl, SEQ, -1);
        Atomics.notify(c.ctrl, SEQ);
      }
      await Promise.allSettled(channels.map((c) => c.task));
      channels = [];
      await p.destroy();
    },
  };
}
