/**
 * Loads TensorFlow.js with the best backend this installation has (src/surrogate/backends.ts):
 * tfjs-node-gpu, then tfjs-node (both optional dependencies that may be absent), then the
 * WebAssembly backend (SIMD, one thread in Node 20), and only then the pure-JS `cpu` backend
 * (30-40x slower; stack-eval.md section 2). Loaded once per process and cached.
 *
 * Also the two measured wasm workarounds every network here uses (stack-eval.md section 2):
 * `matMulFast` (matMul whose gradient uses explicit transposes: wasm's transposed matMul is
 * 10-40x slower than a transpose plus a plain matMul) and `patchConv` (a kernel = stride = 2
 * convolution as a space-to-depth reshape/transpose plus matMul: wasm lacks
 * Conv2DBackpropFilter).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Tensor4D = import('@tensorflow/tfjs').Tensor4D;

const require = createRequire(import.meta.url);
let loaded: Promise<{ tf: Tf; backend: string }> | null = null;

/**
 * The tfjs module and the backend in use. `prefer` forces one ('wasm' or 'cpu', e.g. for tests
 * that compare engines); by default the best available. Node backends are imported lazily since
 * loading libtensorflow takes seconds.
 */
export function loadTf(prefer?: 'wasm' | 'cpu'): Promise<{ tf: Tf; backend: string }> {
  if (!loaded) loaded = init(prefer);
  return loaded;
}

async function init(prefer?: string): Promise<{ tf: Tf; backend: string }> {
  if (!prefer) {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        const tf = (await import(pkg)) as Tf;
        return { tf, backend: tf.getBackend() };
      } catch {
        // absent or unloadable (no libtensorflow): try the next one
      }
    }
  }
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  if (prefer !== 'cpu') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { tf, backend: 'wasm' };
      }
    } catch {
      // fall through to cpu
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'cpu' };
}

const mmCache = new WeakMap<Tf, (a: Tensor2D, b: Tensor2D) => Tensor2D>();

/**
 * a [m,k] x b [k,n] with a gradient built from explicit transposes (same values as tf.matMul's,
 * 3x faster per training step on wasm).
 */
export function matMulFast(tf: Tf, a: Tensor2D, b: Tensor2D): Tensor2D {
  let f = mmCache.get(tf);
  if (!f) {
    const g = tf.customGrad(((x: Tensor, y: Tensor, save: (t: Tensor[]) => void) => {
      save([x, y]);
      return {
        value: tf.matMul(x as Tensor2D, y as Tensor2D),
        gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.matMul(dy as Tensor2D, tf.transpose(saved[1])), tf.matMul(tf.transpose(saved[0]), dy as Tensor2D)],
      };
    }) as any);
    f = (a: Tensor2D, b: Tensor2D) => g(a, b) as Tensor2D;
    mmCache.set(tf, f);
  }
  return f(a, b);
}

/**
 * 2x2 stride-2 "valid" convolution of x [B,H,W,C] (H, W even) with kernel w [4C, F] (rows in
 * (dy, dx, c) order, i.e. tf.conv2d's [2,2,C,F] filter reshaped) plus bias: identical to
 * tf.conv2d(x, w.reshape([2,2,C,F]), 2, 'valid') (non-overlapping patches), written as
 * reshape/transpose/matMul so that it trains on wasm. Returns [B, H/2, W/2, F].
 */
export function patchConv(tf: Tf, x: Tensor4D, w: Tensor2D, bias: Tensor): Tensor4D {
  const [B, H, W, C] = x.shape;
  const F = w.shape[1];
  const p = tf.reshape(tf.transpose(tf.reshape(x, [B, H / 2, 2, W / 2, 2, C]), [0, 1, 3, 2, 4, 5]), [B * (H / 2) * (W / 2), 4 * C]) as Tensor2D;
  return tf.reshape(tf.add(matMulFast(tf, p, w), bias), [B, H / 2, W / 2, F]) as Tensor4D;
}
