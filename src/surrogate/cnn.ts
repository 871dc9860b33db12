/**
 * The photometry encoder: a small CNN reading the canonical 64x64 log-surface-brightness image
 * (src/photometry/canonical-image.ts) into the MLP's feature inputs, the standardised (ln n, q_L)
 * (src/surrogate/normalise.ts), so the MLP trained on exact Sérsic parameters takes its output
 * unchanged. Four 2x2 stride-2 convolutions (64 -> 32 -> 16 -> 8 -> 4 px) with SiLU, then a
 * dense layer and a linear read-out. Every convolution has kernel = stride = 2, so it trains on
 * tfjs-wasm as a patch matMul (src/surrogate/tf.ts patchConv). It runs once per galaxy.
 */
import { Rng } from '../../samplers/rng.ts';
import { matMulFast, patchConv, type Tf } from './tf.ts';
import { cnnInput, cnnInputSide, cnnShapes, type CnnArch, type CnnWeights } from './cnn-arch.ts';

export { cnnInput, cnnInputSide, cnnShapes, DEFAULT_CNN, type CnnArch, type CnnWeights } from './cnn-arch.ts';

type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Tensor4D = import('@tensorflow/tfjs').Tensor4D;
type Variable = import('@tensorflow/tfjs').Variable;

export function initCnn(a: CnnArch, seed: number): CnnWeights {
  if (cnnInputSide(a) % (1 << a.channels.length) !== 0) throw new RangeError(`initCnn: input side ${cnnInputSide(a)} is not a multiple of 2^${a.channels.length}`);
  const rng = new Rng(`jamfit-cnn-init:${seed}`);
  const w: CnnWeights = new Map();
  for (const [name, shape] of cnnShapes(a)) {
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
    if (shape.length === 2) {
      const lim = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.uniform() - 1) * lim;
    }
    w.set(name, { shape, data });
  }
  return w;
}

export function cnnVars(tf: Tf, w: CnnWeights): Map<string, Variable> {
  const tag = Math.random().toString(36).slice(2);
  return new Map([...w].map(([k, v]) => [k, tf.variable(tf.tensor(v.data, v.shape), true, `cnn_${k.replace('/', '_')}_${tag}`)]));
}

export function cnnWeightsOf(vars: Map<string, Variable>): CnnWeights {
  return new Map([...vars].map(([k, v]) => [k, { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) }]));
}

/**
 * Forward pass: network inputs [B, side, side] (cnnInput of the canonical images; side =
 * cnnInputSide) -> [B, nOut]. `vars` holds tensors (training variables or constants).
 */
export function cnnForwardTf(tf: Tf, a: CnnArch, vars: Map<string, import('@tensorflow/tfjs').Tensor>, images: import('@tensorflow/tfjs').Tensor): Tensor2D {
  const B = images.shape[0];
  const side = cnnInputSide(a);
  let h = tf.reshape(images, [B, side, side, 1]) as Tensor4D;
  a.channels.forEach((_, i) => {
    const z = patchConv(tf, h, vars.get(`conv${i}/W`) as Tensor2D, vars.get(`conv${i}/b`)!);
    h = tf.mul(z, tf.sigmoid(z)) as Tensor4D;
  });
  const flat = tf.reshape(h, [B, -1]) as Tensor2D;
  const d = tf.add(matMulFast(tf, flat, vars.get('dense/W') as Tensor2D), vars.get('dense/b')!) as Tensor2D;
  const hd = tf.mul(d, tf.sigmoid(d)) as Tensor2D;
  return tf.add(matMulFast(tf, hd, vars.get('out/W') as Tensor2D), vars.get('out/b')!) as Tensor2D;
}
