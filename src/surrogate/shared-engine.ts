/**
 * One MLP engine shared by many galaxies fitted at the same time in one thread (`jamfit batch
 * --lockstep`): each galaxy gets a view that looks like its own engine (setFeatures, run), but
 * the rows that the views ask for while the network is busy, or in the same turn of the event
 * loop, go to the network in ONE `runMany` call (per-row features), as a GPU wants them; each
 * view then applies its galaxy's grid -> bins operator in the same engine family
 * (./operator-engine.ts) and resolves.
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
import type { EngineName, GridOperator, MlpEngine } from './engine.ts';
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
  resolve: (lnv: Float32Array) => void;
  reject: (e: unknown) => void;
}

/** The engine family of an engine name ("ort-1t", "tfjs-wasm", "js"). */
function family(name: string): EngineName {
  return name.startsWith('ort') ? 'ort' : name.startsWith('tfjs') ? 'tfjs' : 'js';
}

/**
 * @param engine  made WITHOUT an operator (runMany needs the whole grid); owned from now on.
 */
export function createSharedEngine(engine: MlpEngine, o: SharedEngineOptions = {}): SharedEngine {
  const fixed = o.fixedRows ?? 0;
  if (!(Number.isInteger(fixed) && fixed >= 0)) throw new RangeError(`createSharedEngine: fixedRows must be an integer >= 0, got ${fixed}`);
  const waitMs = o.waitMs ?? 2;
  const kind = family(engine.name);
  let queue: Pending[] = [];
  let busy = false;
  let immediate: ReturnType<typeof setImmediate> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const open = new Set<number>();
  let nextView = 0;
  let calls = 0;
  let sent = 0;
  let padded = 0;

  async function call(params: Float32Array, features: Float32Array, rows: number): Promise<Float32Array> {
    if (fixed === 0) {
      calls++;
      sent += rows;
      return Float32Array.from(await engine.runMany(params, features, rows));
    }
    let out: Float32Array | null = null;
    const p = new Float32Array(3 * fixed);
    const f = new Float32Array(2 * fixed);
    for (let r0 = 0; r0 < rows; r0 += fixed) {
      const k = Math.min(fixed, rows - r0);
      p.set(params.subarray(3 * r0, 3 * (r0 + k)));
      f.set(features.subarray(2 * r0, 2 * (r0 + k)));
      for (let r = k; r < fixed; r++) {
        p.copyWithin(3 * r, 3 * (k - 1), 3 * k);
        f.copyWithin(2 * r, 2 * (k - 1), 2 * k);
      }
      const y = await engine.runMany(p, f, fixed);
      calls++;
      sent += fixed;
      padded += fixed - k;
      const nOut = y.length / fixed;
      out ??= new Float32Array(rows * nOut);
      out.set(y.subarray(0, k * nOut), r0 * nOut);
    }
    return out ?? new Float32Array(0);
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
      const rows = batch.reduce((s, q) => s + q.rows, 0);
      const params = new Float32Array(3 * rows);
      const features = new Float32Array(2 * rows);
      let r = 0;
      for (const q of batch) {
        params.set(q.params, 3 * r);
        for (let i = 0; i < q.rows; i++) features.set(q.features, 2 * (r + i));
        r += q.rows;
      }
      let lnv: Float32Array;
      try {
        lnv = await call(params, features, rows);
      } catch (e) {
        for (const q of batch) q.reject(e);
        return;
      }
      const nG = lnv.length / rows;
      r = 0;
      for (const q of batch) {
        q.resolve(lnv.slice(r * nG, (r + q.rows) * nG));
        r += q.rows;
      }
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
      let opEngine: Promise<OperatorEngine> | null = null;
      const submit = (params: ArrayLike<number>, batch: number, f: [number, number]) =>
        new Promise<Float32Array>((resolve, reject) => {
          queue.push({ view: id, params: Float32Array.from({ length: 3 * batch }, (_, i) => params[i]), features: f, rows: batch, resolve, reject });
          schedule();
        });
      return {
        name: `${engine.name} (shared)`,
        setFeatures(f) {
          feat = [f[0], f[1]];
        },
        async run(params, batch) {
          if (!feat) throw new Error('shared engine view: setFeatures must be called before run');
          if (!open.has(id)) throw new Error('shared engine view: disposed');
          opEngine ??= createOperatorEngine(kind, op);
          const [lnv, ope] = await Promise.all([submit(params, batch, feat), opEngine]);
          return ope.run(lnv, batch);
        },
        runMany() {
          return Promise.reject(new Error('runMany: a shared engine view serves one galaxy; use the shared engine itself'));
        },
        dispose() {
          open.delete(id);
          void opEngine?.then((e) => e.dispose());
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
