/**
 * Training of the MLP on cached inputs: the rows are encoded once (src/surrogate/normalise.ts)
 * and the loop only gathers batches, so an epoch costs the network's arithmetic alone. The
 * inputs are the exact Sérsic (n, q_L) plus (q_M, beta_z, inc_deg), or, for a network fed by the
 * CNN, the CNN's predicted (n, q_L) in the same columns.
 */
import { mapErrors, type MapMetrics } from './metrics.ts';
import { type Mlp, type MlpArch, initMlp, layerShapes } from './mlp.ts';
import { decodeOutputs, type Normalisation } from './normalise.ts';
import { matMulFast, type Tf } from './tf.ts';
import { trainLoop, type LoopOptions, type LoopResult } from './train-loop.ts';

type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;

export interface MlpData {
  /** Encoded inputs [n x nIn]. */
  x: Float32Array;
  /** Encoded targets [n x nOut]. */
  y: Float32Array;
  n: number;
}

/** tfjs forward of the MLP held in `vars` (W0, b0, W1, ...), SiLU as x * sigmoid(x). */
export function mlpForwardTf(tf: Tf, arch: MlpArch, vars: Map<string, Variable>, x: Tensor2D): Tensor2D {
  let h = x;
  layerShapes(arch).forEach((s, i) => {
    const z = tf.add(matMulFast(tf, h, vars.get(`W${i}`) as unknown as Tensor2D), vars.get(`b${i}`)!) as Tensor2D;
    h = s.act ? (tf.mul(z, tf.sigmoid(z)) as Tensor2D) : z;
  });
  return h;
}

export function mlpVars(tf: Tf, m: Mlp): Map<string, Variable> {
  const vars = new Map<string, Variable>();
  m.layers.forEach((l, i) => {
    vars.set(`W${i}`, tf.variable(tf.tensor2d(l.W, [l.in, l.out]), true, `mlp_W${i}_${Math.random().toString(36).slice(2)}`));
    vars.set(`b${i}`, tf.variable(tf.tensor1d(l.b), true, `mlp_b${i}_${Math.random().toString(36).slice(2)}`));
  });
  return vars;
}

export function mlpFromVars(arch: MlpArch, vars: Map<string, Variable>): Mlp {
  return {
    arch,
    layers: layerShapes(arch).map((s, i) => ({ ...s, W: Float32Array.from(vars.get(`W${i}`)!.dataSync() as Float32Array), b: Float32Array.from(vars.get(`b${i}`)!.dataSync() as Float32Array) })),
  };
}

/** Gathers rows `idx` of a [n x w] array. */
export function gatherRows(a: Float32Array, w: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * w);
  for (let r = 0; r < idx.length; r++) out.set(a.subarray(idx[r] * w, idx[r] * w + w), r * w);
  return out;
}

/** Predicts normalised outputs for all rows of x in batches (tfjs). */
export function predictTf(tf: Tf, arch: MlpArch, vars: Map<string, Variable>, x: Float32Array, n: number, batch = 2048): Float32Array {
  const nIn = arch.nFeatures + arch.nParams;
  const out = new Float32Array(n * arch.nOut);
  for (let s = 0; s < n; s += batch) {
    const k = Math.min(batch, n - s);
    const y = tf.tidy(() => mlpForwardTf(tf, arch, vars, tf.tensor2d(x.subarray(s * nIn, (s + k) * nIn), [k, nIn])).dataSync() as Float32Array);
    out.set(y, s * arch.nOut);
  }
  return out;
}

export interface TrainMlpResult {
  mlp: Mlp;
  loop: LoopResult;
  val: MapMetrics;
}

/**
 * Trains an MLP of architecture `arch` from seed `o.seed` on `train`, validating on `val`
 * (metrics in relative error of v, via `norm`).
 */
export async function trainMlp(tf: Tf, arch: MlpArch, norm: Normalisation, train: MlpData, val: MlpData, valV: Float32Array, o: LoopOptions): Promise<TrainMlpResult> {
  const nIn = arch.nFeatures + arch.nParams;
  const vars = mlpVars(tf, initMlp(arch, o.seed));
  const validate = () => {
    const yp = predictTf(tf, arch, vars, val.x, val.n);
    let se = 0;
    for (let i = 0; i < yp.length; i++) se += (yp[i] - val.y[i]) ** 2;
    const { metrics } = mapErrors(decodeOutputs(norm, yp, val.n), valV, val.n, arch.nOut);
    return { loss: se / yp.length, metrics: metrics as unknown as Record<string, number> };
  };
  const loop = await trainLoop(
    tf,
    {
      vars,
      nTrain: train.n,
      loss: (idx) => {
        const xb = tf.tensor2d(gatherRows(train.x, nIn, idx), [idx.length, nIn]);
        const yb = tf.tensor2d(gatherRows(train.y, arch.nOut, idx), [idx.length, arch.nOut]);
        return tf.mean(tf.square(tf.sub(mlpForwardTf(tf, arch, vars, xb), yb))) as import('@tensorflow/tfjs').Scalar;
      },
      validate,
    },
    o,
  );
  const final = validate();
  const mlp = mlpFromVars(arch, vars);
  for (const t of vars.values()) t.dispose();
  return { mlp, loop, val: final.metrics as unknown as MapMetrics };
}
