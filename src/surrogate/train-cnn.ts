/**
 * Training of the CNN encoder to read the standardised (ln n, q_L) from canonical images, with
 * optional augmentations (src/surrogate/augment.ts) drawn afresh per sample and epoch.
 */
import { augmentImage, isIdentity, type Augment } from './augment.ts';
import { type CnnArch, type CnnWeights, cnnForwardTf, cnnInput, cnnInputSide, cnnVars, cnnWeightsOf, initCnn } from './cnn.ts';
import { quantile } from './metrics.ts';
import type { Tf } from './tf.ts';
import { trainLoop, type LoopOptions, type LoopResult } from './train-loop.ts';

export interface CnnData {
  /** Images [n x size x size]. */
  images: Float32Array;
  /** Targets [n x nOut] (standardised ln n, q_L). */
  y: Float32Array;
  n: number;
}

export interface CnnMetrics {
  /** Median and 99th percentile of |n_pred / n - 1|. */
  nRelMedian: number;
  nRelP99: number;
  /** Median and 99th percentile of |q_pred - q|. */
  qAbsMedian: number;
  qAbsP99: number;
}

/** Predicts [n x nOut] for all images in batches. */
export function predictCnn(tf: Tf, a: CnnArch, vars: Map<string, import('@tensorflow/tfjs').Tensor>, images: Float32Array, n: number, batch = 256): Float32Array {
  const px = a.size * a.size;
  const out = new Float32Array(n * a.nOut);
  for (let s = 0; s < n; s += batch) {
    const k = Math.min(batch, n - s);
    const side = cnnInputSide(a);
    const x = cnnInput(a, images.subarray(s * px, (s + k) * px), k);
    out.set(tf.tidy(() => cnnForwardTf(tf, a, vars, tf.tensor3d(x, [k, side, side])).dataSync() as Float32Array), s * a.nOut);
  }
  return out;
}

/** Errors of predicted standardised (ln n, q_L) rows, given the standardisation (mean, std of ln n and q_L). */
export function cnnMetrics(pred: Float32Array, y: Float32Array, n: number, mean: number[], std: number[]): CnnMetrics {
  const en = new Float64Array(n);
  const eq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    en[i] = Math.abs(Math.exp((pred[2 * i] - y[2 * i]) * std[0]) - 1);
    eq[i] = Math.abs((pred[2 * i + 1] - y[2 * i + 1]) * std[1]);
  }
  return { nRelMedian: quantile(en, 0.5), nRelP99: quantile(en, 0.99), qAbsMedian: quantile(eq, 0.5), qAbsP99: quantile(eq, 0.99) };
}

export async function trainCnn(tf: Tf, a: CnnArch, train: CnnData, val: CnnData, aug: Augment, featMean: number[], featStd: number[], o: LoopOptions): Promise<{ weights: CnnWeights; loop: LoopResult; val: CnnMetrics }> {
  const vars = cnnVars(tf, initCnn(a, o.seed));
  const px = a.size * a.size;
  const validate = () => {
    const p = predictCnn(tf, a, vars, val.images, val.n);
    let se = 0;
    for (let i = 0; i < p.length; i++) se += (p[i] - val.y[i]) ** 2;
    return { loss: se / p.length, metrics: cnnMetrics(p, val.y, val.n, featMean, featStd) as unknown as Record<string, number> };
  };
  const loop = await trainLoop(
    tf,
    {
      vars,
      nTrain: train.n,
      loss: (idx, epoch) => {
        const xb = new Float32Array(idx.length * px);
        const yb = new Float32Array(idx.length * a.nOut);
        for (let r = 0; r < idx.length; r++) {
          const img = train.images.subarray(idx[r] * px, (idx[r] + 1) * px);
          // Keyed by (epoch, sample): a fresh degradation each epoch, the same one after a resume.
          xb.set(isIdentity(aug) ? img : augmentImage(img, a.size, aug, o.seed, epoch * train.n + idx[r]), r * px);
          yb.set(train.y.subarray(idx[r] * a.nOut, (idx[r] + 1) * a.nOut), r * a.nOut);
        }
        const side = cnnInputSide(a);
        const x = tf.tensor3d(cnnInput(a, xb, idx.length), [idx.length, side, side]);
        return tf.mean(tf.square(tf.sub(cnnForwardTf(tf, a, vars, x), tf.tensor2d(yb, [idx.length, a.nOut])))) as import('@tensorflow/tfjs').Scalar;
      },
      validate,
    },
    o,
  );
  const final = validate();
  const weights = cnnWeightsOf(vars);
  for (const t of vars.values()) t.dispose();
  return { weights, loop, val: final.metrics as unknown as CnnMetrics };
}
