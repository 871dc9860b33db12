/**
 * tfjs MLP engine on the best backend (src/surrogate/tf.ts): the fallback where
 * onnxruntime-node is missing.
 */
import type { EngineOptions, GridOperator, MlpEngine } from './engine.ts';
import { compactOperator, featureBias, rowInputs, transformParams, type FoldedMlp } from './folded.ts';
import { loadTf } from './tf.ts';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;

export async function createTfjsEngine(fm: FoldedMlp, opts: EngineOptions = {}): Promise<MlpEngine> {
  const { tf, backend } = await loadTf();
  const op = opts.operator ? tf.tensor2d(opts.operator.matrix, [fm.nOut, opts.operator.nBins]) : null;
  const W0p = tf.tensor2d(fm.W0p, [fm.nParams, fm.h0]);
  const layers = fm.rest.map((l) => ({ W: tf.tensor2d(l.W, [l.in, l.out]), b: tf.tensor1d(l.b), act: l.act }));
  let c: Tensor | null = null;
  let feat: number[] = [];
  const silu = (z: Tensor) => tf.mul(z, tf.sigmoid(z));
  /** ln v [rows x nOut] of rows with their own features (inside a tidy). */
  const many = (params: ArrayLike<number>, features: ArrayLike<number>, rows: number): Tensor2D => {
    const { t, c: cs } = rowInputs(fm, params, features, rows);
    let h = tf.add(tf.matMul(tf.tensor2d(t, [rows, fm.nParams]), W0p), tf.tensor2d(cs, [rows, fm.h0])) as Tensor2D;
    if (fm.act0) h = silu(h) as Tensor2D;
    for (const l of layers) {
      h = tf.add(tf.matMul(h, l.W), l.b) as Tensor2D;
      if (l.act) h = silu(h) as Tensor2D;
    }
    return h;
  };
  // Device copies of the galaxies' operators for runManyBinned: the used grid nodes and their rows of M.
  const ops = new Map<GridOperator, { used: Tensor; M: Tensor2D }>();
  const deviceOperator = (o: GridOperator) => {
    let d = ops.get(o);
    if (!d) {
      const k = compactOperator(o);
      // Made inside runManyBinned's tidy: kept, or the tidy would free them with its temporaries.
      d = { used: tf.keep(tf.tensor1d(k.used, 'int32')), M: tf.keep(tf.tensor2d(k.op.matrix, [k.used.length, o.nBins])) };
      ops.set(o, d);
    }
    return d;
  };
  const release = (o: GridOperator) => {
    const d = ops.get(o);
    d?.M.dispose();
    d?.used.dispose();
    ops.delete(o);
  };
  return {
    name: `tfjs-${backend}`,
    setFeatures(f) {
      c?.dispose();
      c = tf.tensor1d(featureBias(fm, f));
      feat = [f[0], f[1]];
    },
    async run(params, batch) {
      if (!c) throw new Error('engine tfjs: setFeatures must be called before run');
      const t = transformParams(fm, params, batch, feat);
      const out = tf.tidy(() => {
        let h = tf.add(tf.matMul(tf.tensor2d(t, [batch, fm.nParams]), W0p), c!) as Tensor2D;
        if (fm.act0) h = silu(h) as Tensor2D;
        for (const l of layers) {
          h = tf.add(tf.matMul(h, l.W), l.b) as Tensor2D;
          if (l.act) h = silu(h) as Tensor2D;
        }
        return op ? tf.matMul(tf.exp(tf.mul(h, 2)), op) : h;
      });
      const y = (await out.data()) as Float32Array;
      out.dispose();
      return y;
    },
    async runMany(params, features, rows) {
      if (opts.operator) throw new Error('runMany: this engine was made with an operator; make one without for several galaxies');
      const out = tf.tidy(() => many(params, features, rows));
      const y = (await out.data()) as Float32Array;
      out.dispose();
      return y;
    },
    async runManyBinned(params, features, rows, groups) {
      if (opts.operator) throw new Error('runManyBinned: this engine was made with an operator; make one without for several galaxies');
      const sizes = groups.map((g) => g.rows * g.op.nBins);
      const out = tf.tidy(() => {
        const h = many(params, features, rows);
        let r0 = 0;
        const parts = groups.map((g) => {
          const o = deviceOperator(g.op);
          const lnv = tf.gather(tf.slice(h, [r0, 0], [g.rows, fm.nOut]), o.used, 1);
          r0 += g.rows;
          return tf.reshape(tf.matMul(tf.exp(tf.mul(lnv, 2)), o.M), [-1]);
        });
        return parts.length === 1 ? parts[0] : tf.concat(parts);
      });
      const y = (await out.data()) as Float32Array;
      out.dispose();
      let k = 0;
      return sizes.map((n) => y.slice(k, (k += n)));
    },
    releaseOperator: release,
    dispose() {
      for (const o of [...ops.keys()]) release(o);
      c?.dispose();
      W0p.dispose();
      op?.dispose();
      for (const l of layers) {
        l.W.dispose();
        l.b.dispose();
      }
    },
  };
}
