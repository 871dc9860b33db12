/**
 * The CNN's architecture, weight layout and input folding: plain data and arithmetic with no
 * TensorFlow.js types, so that the surrogate's model files (and everything typed against them,
 * the fit's public API included) do not pull tfjs's declarations into a user's compilation.
 * The network itself is in cnn.ts.
 */
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
