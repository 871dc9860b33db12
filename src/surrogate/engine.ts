/**
 * MLP inference engines: each runs the folded MLP (src/surrogate/folded.ts) on a batch of
 * parameter vectors for one galaxy whose features were set once. Best available first:
 * onnxruntime-node (4-9x faster than tfjs-wasm on this CPU, stack-eval.md section 2), tfjs (on
 * its best backend), plain JS (always present; also the reference).
 */
import { pruneForOperator, type FoldedMlp } from './folded.ts';

/**
 * A per-galaxy linear operator from the grid to the data bins, applied to v^2 (V_rms^2 is what
 * interpolation, luminosity weighting and PSF convolution act on linearly): bins = v^2 . M with
 * M [nOut x nBins] row-major (src/operator builds it). With it an engine returns v^2 per bin
 * instead of ln v, and the whole chain runs inside the engine.
 */
export interface GridOperator {
  matrix: Float32Array;
  nBins: number;
}

export interface EngineOptions {
  /** Intra-op threads (onnxruntime only; default 1). */
  threads?: number;
  operator?: GridOperator;
}

export interface MlpEngine {
  readonly name: string;
  /** Sets the galaxy: raw features (n, q_L). Must precede `run`. */
  setFeatures(f: ArrayLike<number>): void;
  /**
   * ln v [batch x nOut] for raw parameter rows [batch x 3] (q_M, beta_z, inc_deg), or with an
   * operator the dimensionless v^2 per bin [batch x nBins]. The returned array may be reused by
   * the next call.
   */
  run(params: ArrayLike<number>, batch: number): Promise<Float32Array>;
  /**
   * ln v [rows x nOut] for the rows of SEVERAL galaxies in one call (many galaxies' walkers
   * sharing the network, as a GPU wants them): raw parameter rows [rows x 3] (q_M, beta_z,
   * inc_deg) and each row's raw features [rows x 2] (n, q_L). Independent of setFeatures. Only
   * for an engine made without an operator (one with an operator runs the network pruned to the
   * operator's grid nodes): throws otherwise. The returned array may be reused by the next call.
   */
  runMany(params: ArrayLike<number>, features: ArrayLike<number>, rows: number): Promise<Float32Array>;
  /**
   * Optional, for engines that keep data on a device (tfjs: a GPU): runMany followed, inside the
   * engine, by each group's operator, with ONE download for all. groups[g] takes the next
   * groups[g].rows rows in order (rows after the last group are padding, dropped) and gets v^2
   * per bin of its operator [rows x op.nBins].
   */
  runManyBinned?(params: ArrayLike<number>, features: ArrayLike<number>, rows: number, groups: readonly { rows: number; op: GridOperator }[]): Promise<Float32Array[]>;
  /** Frees what runManyBinned keeps of op (its device copy); op may come back later. */
  releaseOperator?(op: GridOperator): void;
  dispose(): void;
}

export type EngineName = 'ort' | 'tfjs' | 'js';

/** Creates an engine by name; throws (with the reason) when it is not available here. */
export async function createEngine(name: EngineName, fm: FoldedMlp, opts: EngineOptions = {}): Promise<MlpEngine> {
  if (opts.operator && opts.operator.matrix.length !== fm.nOut * opts.operator.nBins) throw new RangeError(`createEngine: operator has ${opts.operator.matrix.length} entries, expected ${fm.nOut} x ${opts.operator.nBins}`);
  if (opts.operator) {
    // Grid nodes no bin sees are dropped from the last layer and M: the same binned v^2 for
    // ~30% fewer multiply-adds. The engine's network then ends at those nodes: no runMany.
    const p = pruneForOperator(fm, opts.operator);
    fm = p.fm;
    opts = { ...opts, operator: p.op };
  }
  if (name === 'ort') return (await import('./engine-ort.ts')).createOrtEngine(fm, opts);
  if (name === 'tfjs') return (await import('./engine-tfjs.ts')).createTfjsEngine(fm, opts);
  return (await import('./engine-js.ts')).createJsEngine(fm, opts);
}

/**
 * The fastest engine that loads, in the order ort, tfjs, js, each made with `opts` (the js
 * fallback too: without the operator it would return ln v per grid node where the caller expects
 * v^2 per bin). `create` is createEngine; a test passes one that fails for ort and tfjs to reach
 * the fallback on a machine that has them.
 */
export async function bestEngine(fm: FoldedMlp, opts: EngineOptions = {}, create: typeof createEngine = createEngine): Promise<MlpEngine> {
  for (const name of ['ort', 'tfjs'] as const) {
    try {
      return await create(name, fm, opts);
    } catch {
      // not installed or not loadable here: next
    }
  }
  return create('js', fm, opts);
}
