/**
 * The surrogate MLP: normalised inputs (the galaxy's features f, then the per-step parameters p)
 * -> hidden SiLU layers -> an optional linear bottleneck (a low-rank output layer: it cuts the
 * per-evaluation cost of the wide 960-point output roughly by H/K) -> the normalised log v on the
 * grid. Weights are plain Float32Arrays so that every engine (plain JS, tfjs, onnxruntime) reads
 * the same numbers; W is [in, out] row-major (tfjs Dense and ONNX Gemm with transB = 0).
 */
import { Rng } from '../../samplers/rng.ts';

export interface MlpLayer {
  in: number;
  out: number;
  /** Apply SiLU x * sigmoid(x) after this layer (false: linear). */
  act: boolean;
  /** [in * out], W[i * out + j]. */
  W: Float32Array;
  b: Float32Array;
}

export interface MlpArch {
  /** Number of per-galaxy feature inputs (first in the input vector). */
  nFeatures: number;
  /** Number of per-step parameter inputs (after the features). */
  nParams: number;
  hidden: number[];
  /** Width of the linear bottleneck before the output (0: none). */
  bottleneck: number;
  nOut: number;
}

export interface Mlp {
  arch: MlpArch;
  layers: MlpLayer[];
}

/** Layer shapes of an architecture, input to output. */
export function layerShapes(a: MlpArch): { in: number; out: number; act: boolean }[] {
  const widths = [a.nFeatures + a.nParams, ...a.hidden];
  const shapes = widths.slice(1).map((w, i) => ({ in: widths[i], out: w, act: true }));
  let last = widths[widths.length - 1];
  if (a.bottleneck > 0) {
    shapes.push({ in: last, out: a.bottleneck, act: false });
    last = a.bottleneck;
  }
  shapes.push({ in: last, out: a.nOut, act: false });
  return shapes;
}

/**
 * Seeded initial weights: Glorot-uniform kernels (variance 2/(in+out), which keeps SiLU
 * activations O(1) through a few layers), zero biases.
 */
export function initMlp(arch: MlpArch, seed: number): Mlp {
  const rng = new Rng(`jamfit-mlp-init:${seed}`);
  const layers = layerShapes(arch).map((s) => {
    const lim = Math.sqrt(6 / (s.in + s.out));
    const W = new Float32Array(s.in * s.out);
    for (let i = 0; i < W.length; i++) W[i] = (2 * rng.uniform() - 1) * lim;
    return { ...s, W, b: new Float32Array(s.out) };
  });
  return { arch: { ...arch, hidden: arch.hidden.slice() }, layers };
}

/** Multiply-adds per evaluation with the features folded out of the first layer. */
export function macsPerEval(m: Mlp): number {
  const [first, ...rest] = m.layers;
  return m.arch.nParams * first.out + rest.reduce((s, l) => s + l.in * l.out, 0);
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/**
 * Plain-JS forward in float64 (the test oracle of every engine): x is [batch x (nFeatures +
 * nParams)] row-major, returns [batch x nOut] normalised outputs.
 */
export function forwardReference(m: Mlp, x: ArrayLike<number>, batch: number): Float64Array {
  let h = Float64Array.from(x as ArrayLike<number>);
  for (const l of m.layers) {
    const o = new Float64Array(batch * l.out);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < l.out; j++) o[r * l.out + j] = l.b[j];
      for (let i = 0; i < l.in; i++) {
        const hi = h[r * l.in + i];
        if (hi === 0) continue;
        const row = i * l.out;
        for (let j = 0; j < l.out; j++) o[r * l.out + j] += hi * l.W[row + j];
      }
      if (l.act) for (let j = 0; j < l.out; j++) o[r * l.out + j] = silu(o[r * l.out + j]);
    }
    h = o;
  }
  return h;
}
