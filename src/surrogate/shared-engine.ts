/**
 * One MLP engine shared by many galaxies fitted at the same time in one thread (`jamfit batch
 * --lockstep`): each galaxy gets a view that looks like its own engine (setFeatures, run), but
 * the rows that the views ask for while the network is busy, or in the same turn of the event
 * loop, go to the network in ONE `runMany` call (per-row features), as a GPU wants them; then
 * each galaxy's grid -> bins operator is applied in the same engine: inside it with one download
 * for all where it can (tfjs runManyBinned: a GPU keeps everything on the device), else by an
 * operator engine of the same family per galaxy (./operator-engine.ts: onnxruntime).
 *
 * Why a coalescer rather than a driver that steps every galaxy by hand: each fit keeps `runFit`
 * as it is (its run folder, checkpoints, resume, summary, PPC); its sampler awaits the view, so
 * the galaxies of a group advance in lockstep by themselves.
 *
 * When a call fires: as soon as every open view has a request waiting (the group is in step),
 * else after `waitMs` (a galaxy busy elsewhere, summarising or starting, does not hold up the
 * others). This is scheduling only: a galaxy's numbers never depend on which galaxies share its
 * calls. Rows are independent in the CPU engines (measured bit for bit: ort, tfjs-wasm and js
 * give a row the same bits alone or among 200 others; test/surrogate/shared-engine.test.ts keeps
 * that checked); a GPU library may pick its GEMM algorithm by shape, so `fixedRows` pads every
 * call to one row count (copies of the last row, dropped afterwards).
 */
import type { GridOperator, MlpEngine } from './engine.ts';
import { createOperatorEngine, type OperatorEngine } from './operator-engine.ts';

export interface SharedEngine {
  /** The engine's name, e.g. "ort-1t (shared)". */
  readonly name: string;
  /**
   * An engine for one galaxy: run() returns v^2 per bin of `op`, as an engine made with that
   * operator would. Open until its dispose().
   */
  view(op: GridOperator): MlpEngine;
  /** Network calls made, rows sent (padding included) and padding rows, so far. */
  stats(): { calls: number; rows: number; paddedRows: number };
  dispose(): void;
}

export interface SharedEngineOptions {
  /** Pad (and split) every network call to exactly this many rows (0: calls as they come). */
  fixedRows?: number;
  /** Longest wait for the other views before a call goes with the requests it has, ms (default 2). */
  waitMs?: number;
}

interface Pending {
  view: number;
  params: Float32Array;
  features: [number, number];
  rows: number;
  op: GridOperator;
  /** The view's operator engine (not used when the engine bins itself). */
  opEngine: () => Promise<OperatorEngine>;
  resolve: (v2bins: Float32Array) => void;
  reject: (e: unknown) => void;
}


/**
 * @param engine  made WITHOUT an operator (runMany needs the whole grid); owned from now on.
 *   When it has runManyBinned (tfjs), the operators run inside it too, one download per call.
 */
export function createSharedEngine(engine: MlpEngine, o: SharedEngineOptions = {}): SharedEngine {
  const fixed = o.fixedRows ?? 0;
  if (!(Number.isInteger(fixed) && fixed >= 0)) throw new RangeError(`createSharedEngine: fixedRows must be an integer >= 0, got ${fixed}`);
  const waitMs = o.waitMs ?? 2;
  // The per-galaxy operator engines, used only when the engine cannot bin itself.
  const kind = engine.name.startsWith('ort') ? 'ort' : 'js';
  const binned = typeof engine.runManyBinned === 'function';
  let queue: Pending[] = [];
  let busy = false;
  let immediate: ReturnType<typeof setImmediate> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const open = new Set<number>();
  let nextView = 0;
  let calls = 0;
  let sent = 0;
  let padded = 0;

  /**
   * v^2 per bin for every request of `batch`: the rows go to the network in calls of exactly
   * `fixed` rows (the last one padded with copies of its last row), or all in one call; a
   * request that straddles two calls gets its pieces joined.
   */
  async function evaluate(batch: Pending[]): Promise<(Float32Array | Error)[]> {
    // start[i]: request i's first row in the concatenation; rows: all of them.
    const start: number[] = [];
    let rows = 0;
    for (const q of batch) {
      start.push(rows);
      rows += q.rows;
    }
    const F = fixed || rows;
    const outBins = batch.map((q) => new Float32Array(q.rows * q.op.nBins));
    const lnvOf: Float32Array[] = [];
    const p = new Float32Array(3 * F);
    const f = new Float32Array(2 * F);
    for (let c0 = 0; c0 < rows; c0 += F) {
      const k = Math.min(F, rows - c0);
      const pieces: { i: number; from: number; rows: number }[] = [];
      for (const [i, q] of batch.entries()) {
        const a = Math.max(start[i], c0);
        const b = Math.min(start[i] + q.rows, c0 + k);
        if (b <= a) continue;
        pieces.push({ i, from: a - start[i], rows: b - a });
        p.set(q.params.subarray(3 * (a - start[i]), 3 * (b - start[i])), 3 * (a - c0));
        for (let r = a; r < b; r++) f.set(q.features, 2 * (r - c0));
      }
      for (let r = k; r < F; r++) {
        p.copyWithin(3 * r, 3 * (k - 1), 3 * k);
        f.copyWithin(2 * r, 2 * (k - 1), 2 * k);
      }
      calls++;
      sent += F;
      padded += F - k;
      if (binned) {
        const res = await engine.runManyBinned!(p, f, F, pieces.map((x) => ({ rows: x.rows, op: batch[x.i].op })));
        pieces.forEach((x, j) => outBins[x.i].set(res[j], x.from * batch[x.i].op.nBins));
      } else {
        const y = await engine.runMany(p, f, F);
        const w = y.length / F;
        for (const x of pieces) {
          lnvOf[x.i] ??= new Float32Array(batch[x.i].rows * w);
          const r0 = start[x.i] + x.from - c0;
          lnvOf[x.i].set(y.subarray(r0 * w, (r0 + x.rows) * w), x.from * w);
        }
      }
    }
    if (binned) return outBins;
    // Each galaxy's own operator: one failing (its session) fails that galaxy only.
    return Promise.all(batch.map(async (q, i) => (await q.opEngine()).run(lnvOf[i], q.rows).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
  }

  function cancelTimers(): void {
    if (immediate) clearImmediate(immediate);
    if (timer) clearTimeout(timer);
    immediate = null;
    timer = null;
  }

  /** Fires a call now-ish when every open view waits, else arms the fallback timer. */
  function schedule(): void {
    if (busy || queue.length === 0) return;
    const waiting = new Set(queue.map((q) => q.view));
    if ([...open].every((v) => waiting.has(v))) {
      if (!immediate) {
        if (timer) clearTimeout(timer);
        timer = null;
        // A turn later, so that requests made in this one join.
        immediate = setImmediate(() => void flush());
      }
    } else if (!timer && !immediate) timer = setTimeout(() => void flush(), waitMs);
  }

  async function flush(): Promise<void> {
    cancelTimers();
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue;
    queue = [];
    try {
      const out = await evaluate(batch);
      batch.forEach((q, i) => {
        const r = out[i];
        if (r instanceof Error) q.reject(r);
        else q.resolve(r);
      });
    } catch (e) {
      for (const q of batch) q.reject(e);
    } finally {
      busy = false;
      schedule();
    }
  }

  return {
    name: `${engine.name} (shared)`,
    view(op) {
      const id = nextView++;
      open.add(id);
      let feat: [number, number] | null = null;
      let ope: Promise<OperatorEngine> | null = null;
      const opEngine = () => (ope ??= createOperatorEngine(kind, op));
      return {
        name: `${engine.name} (shared)`,
        setFeatures(f) {
          feat = [f[0], f[1]];
        },
        run(params, batch) {
          if (!feat) return Promise.reject(new Error('shared engine view: setFeatures must be called before run'));
          if (!open.has(id)) return Promise.reject(new Error('shared engine view: disposed'));
          const features = feat;
          return new Promise<Float32Array>((resolve, reject) => {
            queue.push({ view: id, params: Float32Array.from({ length: 3 * batch }, (_, i) => params[i]), features, rows: batch, op, opEngine, resolve, reject });
            schedule();
          });
        },
        runMany() {
          return Promise.reject(new Error('runMany: a shared engine view serves one galaxy; use the shared engine itself'));
        },
        dispose() {
          open.delete(id);
          void ope?.then((e) => e.dispose());
          engine.releaseOperator?.(op);
          // The others may have been waiting for this view only.
          schedule();
        },
      };
    },
    stats: () => ({ calls, rows: sent, paddedRows: padded }),
    dispose() {
      cancelTimers();
      engine.dispose();
    },
  };
}
