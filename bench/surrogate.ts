/**
 * Surrogate benchmarks: microseconds per MLP evaluation at batch 1/32/256/4096 for every engine
 * present (one thread; the per-galaxy features folded out), ms per CNN pass, and the speed-up
 * over the exact JAM on the same 960-point grid (one model from parameters, as the training set
 * computes it). Uses the shipped weights when present, else a seeded random network of the
 * default architecture (the speed does not depend on the values).
 */
import { createEngine, type EngineName } from '../src/surrogate/engine.ts';
import { foldMlp } from '../src/surrogate/folded.ts';
import { initMlp, macsPerEval, type Mlp } from '../src/surrogate/mlp.ts';
import { loadSurrogate } from '../src/surrogate/model-files.ts';
import { fitNormalisation, type Normalisation } from '../src/surrogate/normalise.ts';
import { cnnForwardTf, cnnInputSide, DEFAULT_CNN, initCnn, type CnnArch, type CnnWeights } from '../src/surrogate/cnn.ts';
import { TRAINING_GRID } from '../src/surrogate/simulate/config.ts';
import { trainingV } from '../src/surrogate/simulate/training-model.ts';
import { thetaLogRGrid } from '../src/surrogate/grid.ts';
import { loadTf } from '../src/surrogate/tf.ts';
import { timeMs, type BenchRow } from './table.ts';

const TARGET_US = 3;

function model(): { mlp: Mlp; norm: Normalisation; cnn: { arch: CnnArch; weights: CnnWeights }; what: string } {
  try {
    const s = loadSurrogate();
    return { mlp: s.mlp, norm: s.norm, cnn: s.cnn ?? { arch: DEFAULT_CNN, weights: initCnn(DEFAULT_CNN, 1) }, what: 'shipped' };
  } catch {
    const nOut = TRAINING_GRID.nRad * TRAINING_GRID.nTheta;
    const mlp = initMlp({ nFeatures: 2, nParams: 5, hidden: [128, 128, 128], bottleneck: 64, nOut }, 1);
    const raw = Float64Array.from({ length: 10 }, (_, i) => [3, 0.8, 0.7, 0.1, 70, 2, 0.6, 0.9, -0.1, 80][i]);
    return { mlp, norm: fitNormalisation(raw, new Float32Array(2 * nOut).fill(1).map((_, i) => 1 + (i % 7) / 10), 2, nOut), cnn: { arch: DEFAULT_CNN, weights: initCnn(DEFAULT_CNN, 1) }, what: 'random' };
  }
}

/**
 * Microseconds per evaluation of `call` (one call = `rows` evaluations), amortised: the median
 * of 21 samples of k back-to-back calls, k chosen so that a sample lasts ~50 ms, after 3 samples
 * of warm-up (the JIT, onnxruntime's first runs and the CPU clock settle over ~0.1 s; a few
 * calls of warm-up read 50% slow at batch 32).
 */
async function usPerEval(call: () => Promise<unknown>, rows: number): Promise<number> {
  for (let i = 0; i < 5; i++) await call();
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await call();
  const k = Math.max(1, Math.round(50 / ((performance.now() - t0) / 5)));
  const ms = await timeMs(async () => {
    for (let i = 0; i < k; i++) await call();
  }, 21, 3);
  return (ms * 1000) / (k * rows);
}

/** B raw parameter rows (q_M, beta_z, inc_deg) spread over the domain, deterministic. */
function paramRows(B: number): Float32Array {
  const params = new Float32Array(B * 3);
  for (let r = 0; r < B; r++) params.set([0.5 + 0.5 * ((r * 0.37) % 1), -0.3 + 0.6 * ((r * 0.61) % 1), 55 + 35 * ((r * 0.13) % 1)], r * 3);
  return params;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { mlp, norm, cnn, what } = model();
  const fm = foldMlp(mlp, norm);
  const arch = `${mlp.arch.hidden.join('x')}${mlp.arch.bottleneck ? `-k${mlp.arch.bottleneck}` : ''}->${mlp.arch.nOut}, ${(macsPerEval(mlp) / 1e3).toFixed(0)}k MAC`;
  // Exact JAM on the same grid, one model from parameters (MGE fit + deprojection + 960 points).
  const g = thetaLogRGrid(TRAINING_GRID);
  const p = [3, 0.8, 0.7, 0.1, 70];
  const jamMs = await timeMs(() => trainingV(p, g.x, g.y, 48), 5, 1);
  rows.push({ name: 'exact JAM, 960-point surrogate grid (MGE fit + model)', value: jamMs, unit: 'ms' });
  let ortUs32 = NaN;
  for (const name of ['ort', 'tfjs', 'js'] as EngineName[]) {
    let e;
    try {
      e = await createEngine(name, fm, { threads: 1 });
    } catch {
      continue;
    }
    e.setFeatures([3, 0.8]);
    for (const B of [1, 32, 256, 4096]) {
      if (name === 'js' && B > 256) continue;
      const params = paramRows(B);
      const us = await usPerEval(() => e.run(params, B), B);
      if (name === 'ort' && B === 32) ortUs32 = us;
      rows.push({ name: `MLP ${e.name} batch ${B} (${what} ${arch})`, value: us, unit: 'us/eval', reference: jamMs * 1000, referenceName: 'exact JAM', ratio: (jamMs * 1000) / us, ...(B === 32 ? { target: `<= ${TARGET_US} us`, pass: us <= TARGET_US } : {}) });
    }
    // Several galaxies in one call (runMany: per-row features), G galaxies x 32 walkers.
    for (const G of name === 'js' ? [] : [8, 128]) {
      const R = 32 * G;
      const params = paramRows(R);
      const feats = new Float32Array(R * 2);
      for (let r = 0; r < R; r++) feats.set([1.5 + (4 * (r % G)) / G, 0.75 + (0.2 * (r % G)) / G], r * 2);
      const us = await usPerEval(() => e.runMany(params, feats, R), R);
      rows.push({ name: `MLP ${e.name} runMany, ${G} galaxies x 32 walkers in one call (${R} rows)`, value: us, unit: 'us/eval' });
    }
    e.dispose();
  }
  // The whole likelihood chain inside onnxruntime: MLP -> v^2 -> dense 960 x 100 operator (a
  // PSF-convolved binned map), batch 32.
  try {
    const nBins = 100;
    const M = new Float32Array(fm.nOut * nBins).map((_, i) => ((i * 2654435761) % 1000) / 1e5);
    const e = await createEngine('ort', fm, { threads: 1, operator: { matrix: M, nBins } });
    e.setFeatures([3, 0.8]);
    const params = new Float32Array(32 * 3).map((_, i) => [0.7, 0.1, 70][i % 3]);
    const us = await usPerEval(() => e.run(params, 32), 32);
    rows.push({ name: `MLP + dense 960x${nBins} operator, ort-1t batch 32`, value: us, unit: 'us/eval', reference: ortUs32, referenceName: 'MLP alone', ratio: ortUs32 / us });
    e.dispose();
  } catch {
    // onnxruntime-node absent
  }
  const { tf, backend } = await loadTf();
  const cv = new Map([...cnn.weights].map(([k, w]) => [k, tf.tensor(w.data, w.shape)]));
  const img = tf.zeros([1, cnnInputSide(cnn.arch), cnnInputSide(cnn.arch)]);
  const cnnMs = await timeMs(() => tf.tidy(() => cnnForwardTf(tf, cnn.arch, cv, img).dataSync()), 20, 3);
  rows.push({ name: `CNN pass, one 64x64 image (tfjs-${backend}, channels ${cnn.arch.channels.join('/')})`, value: cnnMs, unit: 'ms' });
  return rows;
}
