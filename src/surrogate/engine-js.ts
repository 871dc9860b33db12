/**
 * Plain-JavaScript MLP engine (float32 storage, float64 accumulation): dependency-free and always
 * available, ~20x slower than tfjs-wasm (stack-eval.md section 4). Its synchronous core
 * `runFoldedJs` is also what the likelihood calls outside the batched sampler path (a start
 * draw, the best model), where no promise may be awaited.
 */
import type { EngineOptions, GridOperator, MlpEngine } from './engine.ts';
import { featureBias, rowInputs, transformParams, usedNodes, type FoldedMlp } from './folded.ts';
import { silu } from './mlp.ts';

/**
 * ln v [batch x nOut] (or, with `op`, v^2 per bin [batch x nBins]) for raw parameter rows
 * [batch x 3] (q_M, beta_z, inc_deg) of the galaxy with raw features f = (n, q_L) and
 * first-layer bias c = featureBias(fm, f). Synchronous; allocates its outputs.
 */
export function runFoldedJs(fm: FoldedMlp, c: Float32Array, f: ArrayLike<number>, params: ArrayLike<number>, batch: number, op?: GridOperator): Float64Array {
  const t = transformParams(fm, params, batch, f);
  let h = new Float64Array(batch * fm.h0);
  let width = fm.h0;
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < fm.h0; j++) {
      let z = c[j];
      for (let k = 0; k < fm.nParams; k++) z += t[r * fm.nParams + k] * fm.W0p[k * fm.h0 + j];
      h[r * fm.h0 + j] = fm.act0 ? silu(z) : z;
    }
  }
  for (const l of fm.rest) {
    const o = new Float64Array(batch * l.out);
    for (let r = 0; r < batch; r++) {
      const ro = r * l.out;
      for (let j = 0; j < l.out; j++) o[ro + j] = l.b[j];
      for (let i = 0; i < width; i++) {
        const hi = h[r * width + i];
        const row = i * l.out;
        for (let j = 0; j < l.out; j++) o[ro + j] += hi * l.W[row + j];
      }
      if (l.act) for (let j = 0; j < l.out; j++) o[ro + j] = silu(o[ro + j]);
    }
    h = o;
    width = l.out;
  }
  return op ? applyOperator(h, batch, op) : h;
}

/**
 * The grid -> bins operator applied to network outputs: v^2 per bin [rows x op.nBins] of ln v
 * rows [rows x nGrid] (nGrid = op.matrix.length / op.nBins), accumulated in float64.
 * @param out  written from index 0 (zeroed here); default a new array.
 */
export function applyOperator<T extends Float64Array | Float32Array = Float64Array>(lnv: ArrayLike<number>, rows: number, op: GridOperator, out: T = new Float64Array(rows * op.nBins) as T): T {
  const nb = op.nBins;
  const nG = op.matrix.length / nb;
  if (lnv.length < rows * nG || out.length < rows * nb) throw new RangeError(`applyOperator: ${rows} rows need ${rows * nG} inputs and ${rows * nb} outputs, got ${lnv.length} and ${out.length}`);
  const used = usedNodes(op);
  const M = op.matrix;
  const acc = new Float64Array(nb);
  for (let r = 0; r < rows; r++) {
    acc.fill(0);
    const base = r * nG;
    for (let u = 0; u < used.length; u++) {
      const i = used[u];
      const v2 = Math.exp(2 * lnv[base + i]);
      const mi = i * nb;
      for (let b = 0; b < nb; b++) acc[b] += v2 * M[mi + b];
    }
    for (let b = 0; b < nb; b++) out[r * nb + b] = acc[b];
  }
  return out;
}

export function createJsEngine(fm: FoldedMlp, opts: EngineOptions = {}): MlpEngine {
  const op = opts.operator;
  let c: Float32Array | null = null;
  let feat: number[] = [];
  return {
    name: 'js',
    setFeatures(f) {
      c = featureBias(fm, f);
      feat = [f[0], f[1]];
    },
    async run(params, batch) {
      if (!c) throw new Error('engine js: setFeatures must be called before run');
      return Float32Array.from(runFoldedJs(fm, c, feat, params, batch, op));
    },
    async runMany(params, features, rows) {
      if (opts.operator) throw new Error('runMany: this engine was made with an operator; make one without for several galaxies');
      const { c: cs } = rowInputs(fm, params, features, rows);
      const out = new Float32Array(rows * fm.nOut);
      for (let r = 0; r < rows; r++) {
        const f = [features[2 * r], features[2 * r + 1]];
        out.set(runFoldedJs(fm, cs.subarray(r * fm.h0, (r + 1) * fm.h0), f, [params[3 * r], params[3 * r + 1], params[3 * r + 2]], 1), r * fm.nOut);
      }
      return out;
    },
    dispose() {},
  };
}
