/**
 * `jamfit train --family mge` as a library function: the multi-component surrogate (model.ts)
 * from a `jamfit simulate --family mge` set.
 *  - Split: a seeded validation fraction of the galaxies (never seen by the PCA, the
 *    normalisation or the gradient).
 *  - Encoder: the PCA basis of the training rows' polar images (k components, standardised).
 *  - Targets: ln v at a beta_z drawn per row and per epoch below the row's limits (rows.ts
 *    betaHighs: box, 0.7 eps_intr, collapse), so a row serves many anisotropies; the validation
 *    maps use one fixed draw.
 *  - Loss: mean squared error of the standardised ln v over the grid points whose light is
 *    above `floor` (Sigma / I_e): below it the exact maps reach the light's underflow edge, where
 *    the basis kernel leaves V_rms^2 ~ 0 (numerical artefacts in light no observation has), so
 *    those points are neither fitted nor scored.
 *  - The loop (../train-loop.ts): Adam, cosine schedule, a checkpoint after every epoch; rerunning
 *    with the same options resumes exactly.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import { mgeSurfaceDensity } from '../../photometry/mge.ts';
import { POLAR_IMAGE_V1, type PolarImageSpec } from '../../photometry/polar-image.ts';
import { mapErrors, quantile, type MapMetrics } from '../metrics.ts';
import { initMlp, type Mlp, type MlpArch } from '../mlp.ts';
import { packageVersion } from '../simulate/config.ts';
import { readTrainingSet } from '../simulate/reader.ts';
import { loadTf } from '../tf.ts';
import { gatherRows, mlpForwardTf, mlpFromVars, mlpVars, predictTf } from '../train-mlp.ts';
import { epochPermutation, trainLoop, type EpochReport } from '../train-loop.ts';
import { loadMflSurrogate, saveMflSurrogate, type MflSurrogate } from './model.ts';
import { fitPca, project, residualRms } from './pca.ts';
import { trainingReferences, type ReferenceSpec } from './reference.ts';
import { betaHighs, drawBetas, lnV, MFL_BETA_RANGE, MFL_PARAM_INPUTS, mflRows, paramInputs, rowMge, type BetaRange, type MflRows } from './rows.ts';

export interface MflTrainOptions {
  data: string;
  out: string;
  seed: number;
  valFraction: number;
  /** Accept a training set still being generated (every chunk listed so far). */
  partial: boolean;
  /** PCA components of the polar image. */
  pcaK: number;
  hidden: number[];
  bottleneck: number;
  epochs: number;
  batch: number;
  lr: number;
  patience: number;
  /** Wall-clock limit of this run, s. */
  timeLimit?: number;
  /** Sigma / I_e below which grid points are left out of the loss and the metrics. */
  floor: number;
  betaRange?: BetaRange;
  polarImage?: PolarImageSpec;
  /** Stop after this many epochs in this process (tests: simulate a kill). */
  stopAfter?: number;
  /** Use only the first `limit` galaxies of the set (0 or absent: all; experiments). */
  limit?: number;
  /**
   * Learn the difference from an exact per-galaxy reference map (reference.ts; computed once per
   * chunk and cached beside the set), or null/absent: learn ln v itself.
   */
  reference?: ReferenceSpec | null;
  /**
   * Start from this model's MLP (a directory written by this trainer on the same set, split,
   * PCA, architecture and reference) instead of a random one: fine-tuning, e.g. with another
   * loss power.
   */
  init?: string;
  /**
   * Exponent p of the loss, mean over kept points of |error / 1%|^p in ln v (default 2: the
   * squared error). p > 2 weights the largest errors of each map more, the tail the accuracy bar
   * counts (maps with max <= 1%); the best epoch is then chosen by that fraction, not the median.
   */
  lossPower?: number;
}

export interface MflTrainReport {
  galaxies: { train: number; val: number };
  backend: string;
  epochs: number;
  bestEpoch: number;
  stoppedBy: string;
  seconds: number;
  trainedSeconds: number;
  /** Validation maps (fixed beta_z draw), points above the floor. */
  val: MapMetrics;
  finished: boolean;
}

const fp = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 32);

export async function trainMfl(o: MflTrainOptions, hooks: { onEpoch?: (e: EpochReport) => void; onStep?: (done: number, total: number) => void; onInfo?: (s: string) => void } = {}): Promise<{ surrogate: MflSurrogate | null; report: MflTrainReport }> {
  const t0 = performance.now();
  if (!(o.valFraction > 0 && o.valFraction < 0.5)) throw new InputError('val_fraction', `is ${o.valFraction}; give the validation fraction in (0, 0.5)`);
  if (!(o.floor >= 0 && o.floor < 1)) throw new InputError('floor', `is ${o.floor}; give a surface-brightness floor in [0, 1) (units of I_e)`);
  const br = o.betaRange ?? MFL_BETA_RANGE;
  const spec = o.polarImage ?? POLAR_IMAGE_V1;
  const ts = readTrainingSet(o.data, { partial: o.partial, images: false });
  if (!ts.manifest.galaxies) throw new InputError(o.data, 'is a single-Sersic set; --family mge trains on a set simulated with `jamfit simulate --family mge`');
  const full = mflRows(ts, spec);
  const all = o.limit ? sliceRows(full, Math.min(o.limit, full.n)) : full;
  const n = all.n;
  const nVal = Math.max(1, Math.round(n * o.valFraction));
  const nTr = n - nVal;
  if (nTr < 2 * o.batch) throw new InputError(o.data, `has ${n} galaxies, too few for a validation split and batches of ${o.batch}; simulate more`);
  if (!(Number.isInteger(o.pcaK) && o.pcaK >= 1 && o.pcaK <= Math.min(all.pixels, nTr - 1))) throw new InputError('pca', `is ${o.pcaK}; give an integer in [1, ${Math.min(all.pixels, nTr - 1)}]`);
  // Training rows first, then validation: every array below is in this order.
  const perm = epochPermutation(o.seed, -1, n);
  const order = Int32Array.from([...perm.subarray(nVal), ...perm.subarray(0, nVal)]);
  const rows = reorder(all, order);
  const { tf, backend } = await loadTf();
  hooks.onInfo?.(`train: ${n} galaxies (${nTr} train, ${nVal} validation), backend ${backend}`);
  const nG = rows.nG;
  const K = o.pcaK;
  const pca = fitPca(rows.images, nTr, rows.pixels, K);
  const nP = MFL_PARAM_INPUTS.length;
  const nIn = K + nP;
  const X = new Float32Array(n * nIn);
  const coef = new Float64Array(K);
  const resid = new Float64Array(nTr);
  for (let i = 0; i < n; i++) {
    const img = rows.images.subarray(i * rows.pixels, (i + 1) * rows.pixels);
    project(pca, img, coef);
    for (let j = 0; j < K; j++) X[i * nIn + j] = coef[j] / Math.sqrt(pca.variance[j]);
    if (i < nTr) resid[i] = residualRms(pca, img, coef);
  }
  // Grid points kept in loss and metrics (light above the floor).
  const keep = new Uint8Array(n * nG);
  for (let i = 0; i < n; i++) {
    const sb = mgeSurfaceDensity(rowMge(ts, order[i]), ts.grid.x, ts.grid.y);
    for (let j = 0; j < nG; j++) keep[i * nG + j] = sb[j] >= o.floor ? 1 : 0;
  }
  const highs = betaHighs(rows, br);
  // Normalisation of the per-step inputs and of ln v, from one draw over the training rows.
  const b0 = drawBetas(rows, br, o.seed, -1, highs);
  const t = new Float64Array(nP);
  const pm = new Array<number>(nP).fill(0);
  const ps = new Array<number>(nP).fill(0);
  for (let i = 0; i < nTr; i++) {
    paramInputs(b0[i], rows.incDeg[i], rows.qMin[i], rows.qLw[i], t);
    for (let j = 0; j < nP; j++) {
      pm[j] += t[j] / nTr;
      ps[j] += (t[j] * t[j]) / nTr;
    }
  }
  for (let j = 0; j < nP; j++) ps[j] = Math.sqrt(Math.max(ps[j] - pm[j] ** 2, 1e-12));
  const Y = new Float32Array(n * nG);
  const ref = o.reference ?? null;
  const refAll = ref ? trainingReferences(ts, o.data, ref, (d, t) => hooks.onInfo?.(`train: reference maps, chunk ${d}/${t}`), n) : null;
  const base = refAll ? gatherRows(refAll, nG, order) : null;
  const fillY = (betas: Float64Array, from: number, to: number) => {
    for (let i = from; i < to; i++) lnV(rows, i, betas[i], Y, i * nG);
    if (base) for (let k = from * nG; k < to * nG; k++) Y[k] -= base[k];
  };
  fillY(b0, 0, nTr);
  const om = new Array<number>(nG).fill(0);
  const cnt = new Float64Array(nG);
  for (let i = 0; i < nTr; i++) for (let j = 0; j < nG; j++) if (keep[i * nG + j]) (om[j] += Y[i * nG + j]), cnt[j]++;
  for (let j = 0; j < nG; j++) om[j] /= Math.max(cnt[j], 1);
  let ss = 0;
  let sn = 0;
  for (let i = 0; i < nTr; i++) for (let j = 0; j < nG; j++) if (keep[i * nG + j]) (ss += (Y[i * nG + j] - om[j]) ** 2), sn++;
  const os = Math.sqrt(ss / Math.max(sn, 1));
  const fillInputs = (betas: Float64Array, from: number, to: number) => {
    for (let i = from; i < to; i++) {
      paramInputs(betas[i], rows.incDeg[i], rows.qMin[i], rows.qLw[i], X, i * nIn + K);
      for (let j = 0; j < nP; j++) X[i * nIn + K + j] = (X[i * nIn + K + j] - pm[j]) / ps[j];
    }
  };
  const standardise = (from: number, to: number) => {
    for (let i = from; i < to; i++) for (let j = 0; j < nG; j++) Y[i * nG + j] = (Y[i * nG + j] - om[j]) / os;
  };
  // Validation: one fixed draw (epoch tag -2), exact v kept for the metrics.
  const bv = drawBetas(rows, br, o.seed, -2, highs);
  fillInputs(bv, nTr, n);
  fillY(bv, nTr, n);
  const vExact = Float32Array.from(Y.subarray(nTr * nG), (u, k) => Math.exp(u + (base ? base[nTr * nG + k] : 0)));
  const xVal = X.slice(nTr * nIn);
  const keepVal = keep.subarray(nTr * nG);
  const arch: MlpArch = { nFeatures: K, nParams: nP, hidden: o.hidden, bottleneck: o.bottleneck, nOut: nG };
  const p = o.lossPower ?? 2;
  if (!(p >= 2 && p <= 16)) throw new InputError('loss_power', `is ${p}; give an exponent in [2, 16]`);
  const start = o.init ? initialMlp(o.init, { arch, pcaK: K, reference: ref, paramMean: pm, outMean: om }) : initMlp(arch, o.seed);
  const vars = mlpVars(tf, start);
  const valMetrics = () => {
    const y = predictTf(tf, arch, vars, xVal, nVal);
    const v = Float32Array.from(y, (u, k) => Math.exp(u * os + om[k % nG] + (base ? base[nTr * nG + k] : 0)));
    return mapErrors(v, vExact, nVal, nG, keepVal).metrics;
  };
  const W = Float32Array.from(keep);
  let epochFilled = -1;
  const dataId = { fingerprint: ts.manifest.fingerprint, n, chunks: (ts.manifest.chunks ?? []).length };
  const loop = await trainLoop(
    tf,
    {
      vars,
      nTrain: nTr,
      loss: (idx, epoch) => {
        if (epoch !== epochFilled) {
          const b = drawBetas(rows, br, o.seed, epoch, highs);
          fillInputs(b, 0, nTr);
          fillY(b, 0, nTr);
          standardise(0, nTr);
          epochFilled = epoch;
        }
        const xb = tf.tensor2d(gatherRows(X, nIn, idx), [idx.length, nIn]);
        const yb = tf.tensor2d(gatherRows(Y, nG, idx), [idx.length, nG]);
        const wb = tf.tensor2d(gatherRows(W, nG, idx), [idx.length, nG]);
        const d = tf.sub(mlpForwardTf(tf, arch, vars, xb), yb);
        // p = 2 keeps the standardised squared error; p > 2 is taken in units of 1% of ln v so the
        // loss is O(1) where the bar is and Adam's epsilon stays negligible.
        const e = p === 2 ? tf.square(d) : tf.pow(tf.abs(tf.mul(d, os / 0.01)), p);
        return tf.div(tf.sum(tf.mul(wb, e)), tf.maximum(tf.sum(wb), 1)) as never;
      },
      validate: () => {
        const m = valMetrics();
        return { loss: p === 2 ? m.medianAbs : 1 - m.fracMapMaxLe1pc, metrics: { ...m } as unknown as Record<string, number> };
      },
    },
    {
      seed: o.seed,
      epochs: o.epochs,
      batch: o.batch,
      lr: o.lr,
      lrFloor: 0.01,
      warmup: Math.min(2, o.epochs / 10),
      patience: o.patience,
      timeLimit: o.timeLimit,
      checkpoint: join(o.out, 'checkpoint-mfl.bin'),
      fingerprint: fp({ dataId, limit: o.limit ?? 0, reference: ref, ...(o.init ? { init: o.init } : {}), ...(p !== 2 ? { p } : {}), seed: o.seed, valFraction: o.valFraction, pcaK: K, arch, epochs: o.epochs, batch: o.batch, lr: o.lr, floor: o.floor, br, spec, inputs: MFL_PARAM_INPUTS }),
      onEpoch: hooks.onEpoch,
      onStep: hooks.onStep,
      stopAfter: o.stopAfter,
    },
  );
  const finished = loop.stoppedBy !== 'stopAfter';
  const val = valMetrics();
  const report: MflTrainReport = { galaxies: { train: nTr, val: nVal }, backend, epochs: loop.epochs, bestEpoch: loop.bestEpoch, stoppedBy: loop.stoppedBy, seconds: (performance.now() - t0) / 1000, trainedSeconds: loop.trainedSeconds, val, finished };
  if (!finished) return { surrogate: null, report };
  const qMins = rows.qMin.subarray(0, nTr);
  const surrogate: MflSurrogate = {
    manifest: {
      format: '',
      formatVersion: 0,
      packageVersion: packageVersion(),
      weightsFile: '',
      weightsSha256: '',
      grid: ts.manifest.grid,
      polarImage: spec,
      betaRange: br,
      floor: o.floor,
      reference: ref,
      paramInputs: MFL_PARAM_INPUTS,
      paramMean: pm,
      paramStd: ps,
      outMean: om,
      outScale: os,
      mlp: arch,
      domain: { residualP99: quantile(resid, 0.99), residualMax: quantile(resid, 1), qMin: [quantile(qMins, 0), quantile(qMins, 1)] },
      trainingSet: { ...dataId, complete: ts.manifest.complete, command: ts.manifest.command },
      training: { seed: o.seed, valFraction: o.valFraction, pcaK: K, hidden: o.hidden, bottleneck: o.bottleneck, epochs: loop.epochs, bestEpoch: loop.bestEpoch, batch: o.batch, lr: o.lr, backend, trainedSeconds: loop.trainedSeconds },
      metrics: { validation: val },
    },
    pca,
    mlp: mlpFromVars(arch, vars),
  };
  saveMflSurrogate(o.out, surrogate);
  return { surrogate, report };
}

/**
 * The MLP of the model in `dir`, checked to be a start for this run: same architecture, PCA size
 * and reference, and the same input and output normalisation (which this run computed from its
 * own split: a model trained on another set or split differs there).
 */
function initialMlp(dir: string, want: { arch: MlpArch; pcaK: number; reference: ReferenceSpec | null; paramMean: number[]; outMean: number[] }): Mlp {
  const m = loadMflSurrogate(dir);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, j) => Math.abs(x - b[j]) <= 1e-6 * (1 + Math.abs(x)));
  if (JSON.stringify(m.manifest.mlp) !== JSON.stringify(want.arch) || m.pca.k !== want.pcaK) throw new InputError(dir, `is a ${JSON.stringify(m.manifest.mlp)} model with ${m.pca.k} PCA components; --init needs the architecture and --pca of this run`);
  if (JSON.stringify(m.manifest.reference) !== JSON.stringify(want.reference)) throw new InputError(dir, 'was trained with another --reference; --init needs the same');
  if (!same(m.manifest.paramMean, want.paramMean) || !same(m.manifest.outMean, want.outMean)) throw new InputError(dir, 'was trained on another set, split or seed (its normalisation differs); --init needs the same --data, --seed, --val and --limit');
  return m.mlp;
}

/** The first n rows. */
function sliceRows(r: MflRows, n: number): MflRows {
  const px = r.pixels;
  const nG = r.nG;
  return { n, nG, pixels: px, images: r.images.slice(0, n * px), qMin: r.qMin.slice(0, n), qLw: r.qLw.slice(0, n), incDeg: r.incDeg.slice(0, n), P: r.P.slice(0, n * nG), Q: r.Q.slice(0, n * nG) };
}

/** The rows in `order` (a permutation of 0..n-1). */
function reorder(r: MflRows, order: Int32Array): MflRows {
  const px = r.pixels;
  const nG = r.nG;
  return {
    n: r.n,
    nG,
    pixels: px,
    images: gatherRows(r.images, px, order),
    qMin: Float64Array.from(order, (i) => r.qMin[i]),
    qLw: Float64Array.from(order, (i) => r.qLw[i]),
    incDeg: Float64Array.from(order, (i) => r.incDeg[i]),
    P: gatherRows(r.P, nG, order),
    Q: gatherRows(r.Q, nG, order),
  };
}
