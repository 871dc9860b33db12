/**
 * The CNN's forward pass in plain JavaScript (float64 accumulation), for inference: one image
 * per galaxy, so no tensor library is needed and the fit's set-up stays synchronous. Same
 * layout as cnnForwardTf (src/surrogate/cnn.ts): activations [H, W, C] row-major; a 2x2
 * stride-2 convolution reads each output pixel's patch in the order (dy, dx, c), i.e.
 * row (dy * 2 + dx) * C + c of conv{i}/W [4 C, F]; SiLU after every convolution and the dense
 * layer; a linear read-out. Agreement with the tfjs pass is tested (test/surrogate/cnn-js.test.ts).
 */
import { cnnInput, cnnInputSide, type CnnArch, type CnnWeights } from './cnn.ts';
import { silu } from './mlp.ts';

/**
 * Raw network outputs (standardised ln n, q_L) of one canonical image `pixels` [size x size]
 * (row-major, as canonicalImage stores them). Throws RangeError for a wrong image size or a
 * missing weight.
 */
export function cnnForwardJs(a: CnnArch, w: CnnWeights, pixels: ArrayLike<number>): Float64Array {
  if (pixels.length !== a.size * a.size) throw new RangeError(`cnnForwardJs: image has ${pixels.length} pixels, expected ${a.size} x ${a.size}`);
  const get = (k: string) => {
    const v = w.get(k);
    if (!v) throw new RangeError(`cnnForwardJs: weight ${k} missing`);
    return v.data;
  };
  let side = cnnInputSide(a);
  let C = 1;
  let h = Float64Array.from(cnnInput(a, pixels, 1));
  a.channels.forEach((F, i) => {
    const W = get(`conv${i}/W`);
    const b = get(`conv${i}/b`);
    const s2 = side / 2;
    const o = new Float64Array(s2 * s2 * F);
    for (let y = 0; y < s2; y++) {
      for (let x = 0; x < s2; x++) {
        const ob = (y * s2 + x) * F;
        for (let f = 0; f < F; f++) o[ob + f] = b[f];
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const ib = ((2 * y + dy) * side + (2 * x + dx)) * C;
            const rb = (dy * 2 + dx) * C;
            for (let c = 0; c < C; c++) {
              const v = h[ib + c];
              const wr = (rb + c) * F;
              for (let f = 0; f < F; f++) o[ob + f] += v * W[wr + f];
            }
          }
        }
        for (let f = 0; f < F; f++) o[ob + f] = silu(o[ob + f]);
      }
    }
    h = o;
    side = s2;
    C = F;
  });
  const dense = (x: Float64Array, Wd: Float32Array, bd: Float32Array, nOut: number, act: boolean) => {
    const o = Float64Array.from(bd);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      for (let j = 0; j < nOut; j++) o[j] += v * Wd[i * nOut + j];
    }
    if (act) for (let j = 0; j < nOut; j++) o[j] = silu(o[j]);
    return o;
  };
  const hd = dense(h, get('dense/W'), get('dense/b'), a.dense, true);
  return dense(hd, get('out/W'), get('out/b'), a.nOut, false);
}
