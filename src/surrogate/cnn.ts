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

type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Tensor4D = import('@tensorflow/tfjs').Tensor4D;
type Variable = import('@tensorflow/tfjs').Variable;

export interface CnnArch {
  /** Image side (a multiple of 2^channels.length). */
  size: number;
  /** Output channels of each 2x2 stride-2 convolution. */
  channels: number[];
  /** Width of the dense layer after the convolutions. */
  dense: number;
  /** Outputs (2: standardised ln n, q_L). */
  nOut: number;
  /**
   * Read the image folded onto one quadrant (the mean of its four mirror images, side size/2).
   * The canonical image is symmetric about both axes, so a clean image loses nothing; pixel
   * noise and asymmetric defects (centring, PA, sky gradients) are averaged down, and every
   * layer costs 4x less, so the same training time buys 4x the epochs. Absent in models
   * before v5: false.
   */
  fold?: boolean;
}

export const DEFAULT_CNN: CnnArch = { size: 64, channels: [16, 32, 64, 64], dense: 64, nOut: 2, fold: true };

/** Side of the network's input image: size, or size/2 when folded. */
export function cnnInputSide(a: CnnArch): number {
  return a.fold ? a.size / 2 : a.size;
}

/**
 * The network's input for `count` canonical images [count, size, size] (row-major): the images
 * themselves, or when a.fold their quadrant folds [count, size/2, size/2], pixel (r, c) being the
 * mean of the four pixels at distance (r + 1/2, c + 1/2) pixels from the centre along the axes.
 * Even size only (the canonical image's centre falls between pixels).
 */
export function cnnInput(a: CnnArch, images: ArrayLike<number>, count: number): Float32Array {
  const S = a.size;
  if (images.length !== count * S * S) throw new RangeError(`cnnInput: ${images.length} pixels for ${count} images of ${S} x ${S}`);
  if (!a.fold) return images instanceof Float32Array ? images : Float32Array.from(images);
  if (S % 2 !== 0) throw new RangeError(`cnnInput: cannot fold an image of odd side ${S}`);
  const h = S / 2;
  const out = new Float32Array(count * h * h);
  for (let i = 0; i < count; i++) {
    const b = i * S * S;
    for (let r = 0; r < h; r++) {
      const up = b + (h + r) * S;
      const dn = b + (h - 1 - r) * S;
      for (let c = 0; c < h; c++) {
        out[(i * h + r) * h + c] = 0.25 * (images[up + h + c] + images[up + h - 1 - c] + images[dn + h + c] + images[dn + h - 1 - c]);
      }
    }
  }
  return out;
}

/** Named float32 weights of a CNN: conv{i}/W [4 Cin, Cout], conv{i}/b, dense/W, dense/b, out/W, out/b. */
export type CnnWeights = Map<string, { shape: number[]; data: Float32Array }>;

export function cnnShapes(a: CnnArch): [string, number[]][] {
  const s: [string, number[]][] = [];
  let c = 1;
  a.channels.forEach((co, i) => {
    s.push([`conv${i}/W`, [4 * c, co]], [`conv${i}/b`, [co]]);
    c = co;
  });
  const side = cnnInputSide(a) >> a.channels.length;
  s.push(['dense/W', [side * side * c, a.dense]], ['dense/b', [a.dense]], ['out/W', [a.dense, a.nOut]], ['out/b', [a.nOut]]);
  return s;
}

/** Seeded Glorot-uniform kernels, zero biases. */
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
