/**
 * `jamfit train` as a library function: reads a training set, splits off a seeded validation
 * set, fits the normalisation on the training rows, trains the MLP on the exact Sérsic
 * (n, q_L) (cached inputs), then the CNN to read (n, q_L) from the canonical images, measures
 * each half and the chain end to end on the validation maps, and writes the surrogate
 * (src/surrogate/model-files.ts). Checkpoints in `out` let a killed run resume.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { Augment } from './augment.ts';
import { cnnInputSide, type CnnArch } from './cnn.ts';
import { mapErrors, type MapMetrics } from './metrics.ts';
import type { MlpArch } from './mlp.ts';
import { encodeInputs, encodeTargets, fitNormalisation, decodeOutputs } from './normalise.ts';
import { PARAM_COLUMNS } from './simulate/chunk-format.ts';
import { packageVersion } from './simulate/config.ts';
import { readTrainingSet } from './simulate/reader.ts';
import { loadTf } from './tf.ts';
import { predictCnn, trainCnn, type CnnMetrics } from './train-cnn.ts';
import { gatherRows, mlpVars, predictTf, trainMlp } from './train-mlp.ts';
import { epochPermutation, type EpochReport, type LoopOptions } from './train-loop.ts';
import { saveSurrogate, type Surrogate } from './model-files.ts';

export interface StageOptions {
  epochs: number;
  batch: number;
  lr: number;
  patience: number;
  /** Wall-clock limit of the stage, s. */
  timeLimit?: number;
}

export interface TrainOptions {
  data: string;
  out: string;
  seed: number;
  /** Fraction of maps held out for validation. */
  valFraction: number;
  /** Use only the first `limit` maps (0: all). */
  limit: number;
  /** Accept a training set still being generated (development). */
  partial: boolean;
  mlp: StageOptions & { hidden: number[]; bottleneck: number };
  /** null: train no CNN (the model then needs exact Sérsic parameters). */
  cnn: (StageOptions & { channels: number[]; dense: number; fold: boolean; augment: Augment }) | null;
  /** Stop each stage after this many epochs in this process (tests: simulate a kill). */
  stopAfter?: number;
}

export interface TrainHooks {
  onEpoch?: (stage: 'mlp' | 'cnn', e: EpochReport, maxEpochs: number) => void;
  onStep?: (stage: 'mlp' | 'cnn', done: number, total: number) => void;
  onInfo?: (line: string) => void;
}

export interface TrainReport {
  maps: { train: number; val: number };
  backend: string;
  /** seconds: this run; trainedSeconds: all the stage's epochs over every run (resumes included). */
  mlp: { seconds: number; trainedSeconds: number; epochs: number; bestEpoch: number; stoppedBy: string; val: MapMetrics };
  cnn: { seconds: number; trainedSeconds: number; epochs: number; bestEpoch: number; stoppedBy: string; val: CnnMetrics } | null;
  endToEnd: MapMetrics | null;
  seconds: number;
  /** Whether every stage ran to its end (false after stopAfter). */
  finished: boolean;
}

function fp(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

const COL = (name: (typeof PARAM_COLUMNS)[number]) => PARAM_COLUMNS.indexOf(name);

export async function trainSurrogate(o: TrainOptions, hooks: TrainHooks = {}): Promise<{ surrogate: Surrogate | null; report: TrainReport }> {
  const t0 = performance.now();
  if (!(o.valFraction > 0 && o.valFraction < 0.5)) throw new InputError('val_fraction', `is ${o.valFraction}; give the validation fraction in (0, 0.5)`);
  const ts = readTrainingSet(o.data, { partial: o.partial, images: o.cnn !== null });
  if (ts.manifest.galaxies) throw new InputError(o.data, 'is a multi-component (--family mge) set; this trainer makes the Sérsic surrogate (issue 19 adds the other); give a set simulated with --family sersic');
  if (o.cnn && !ts.images) throw new InputError(o.data, 'holds no images (simulated with --image 0); train with --no-cnn or regenerate it with images');
  const carch: CnnArch | null = o.cnn ? { size: ts.manifest.image.size, channels: o.cnn.channels, dense: o.cnn.dense, nOut: 2, fold: o.cnn.fold } : null;
  if (carch) {
    // Checked before any training: the CNN stage comes after an hour of MLP.
    const side = cnnInputSide(carch);
    const L = carch.channels.length;
    if (!Number.isInteger(side) || side % (1 << L) !== 0) {
      const fit = Math.max(0, Math.floor(Math.log2(side & -side)));
      throw new InputError('cnn_channels', `${L} stride-2 convolutions need an input side divisible by ${1 << L}; the ${carch.size} px images give ${side}${carch.fold ? ' (folded)' : ''}: give at most ${fit} channel counts${carch.fold ? ', or --cnn-full-image' : ''}`);
    }
  }
  const N = o.limit > 0 ? Math.min(o.limit, ts.n) : ts.n;
  const nVal = Math.max(1, Math.round(N * o.valFraction));
  if (N - nVal < 2 * Math.max(o.mlp.batch, o.cnn?.batch ?? 0)) throw new InputError(o.data, `has ${N} maps, too few for a validation split and batches of ${o.mlp.batch}; simulate more maps`);
  const { tf, backend } = await loadTf();
  hooks.onInfo?.(`train: ${N} maps (${N - nVal} train, ${nVal} validation), backend ${backend}`);
  const nG = ts.grid.x.length;
  const perm = epochPermutation(o.seed, -1, N);
  const valIdx = perm.subarray(0, nVal);
  const trIdx = perm.subarray(nVal);
  const raw = new Float64Array(N * 5);
  const cols = [COL('n'), COL('q_L'), COL('q_M'), COL('beta_z'), COL('inc_deg')];
  for (let i = 0; i < N; i++) for (let k = 0; k < 5; k++) raw[i * 5 + k] = ts.params[i * PARAM_COLUMNS.length + cols[k]];
  const vAll = ts.v.subarray(0, N * nG);
  // Normalisation from the training rows only (the validation maps stay unseen).
  const vTr = gatherRows(vAll, nG, trIdx);
  const norm = fitNormalisation(gatherRaw(raw, trIdx), vTr, trIdx.length, nG);
  const X = encodeInputs(norm, raw, N);
  const nIn = norm.inputs.length;
  const Y = encodeTargets(norm, vAll, N);
  const train = { x: gatherRows(X, nIn, trIdx), y: gatherRows(Y, nG, trIdx), n: trIdx.length };
  const val = { x: gatherRows(X, nIn, valIdx), y: gatherRows(Y, nG, valIdx), n: nVal };
  const vVal = gatherRows(vAll, nG, valIdx);
  const dataId = { fingerprint: ts.manifest.fingerprint, seed: ts.manifest.seed, n: N };

  const arch: MlpArch = { nFeatures: 2, nParams: nIn - 2, hidden: o.mlp.hidden, bottleneck: o.mlp.bottleneck, nOut: nG };
  const loopOpts = (stage: 'mlp' | 'cnn', s: StageOptions, extra: unknown): LoopOptions => ({
    seed: o.seed,
    epochs: s.epochs,
    batch: s.batch,
    lr: s.lr,
    lrFloor: 0.01,
    warmup: Math.min(2, s.epochs / 10),
    patience: s.patience,
    timeLimit: s.timeLimit,
    checkpoint: join(o.out, `checkpoint-${stage}.bin`),
    fingerprint: fp({ stage, dataId, valFraction: o.valFraction, seed: o.seed, s: { ...s, timeLimit: undefined }, extra }),
    onEpoch: (e) => hooks.onEpoch?.(stage, e, s.epochs),
    onStep: (d, t) => hooks.onStep?.(stage, d, t),
    stopAfter: o.stopAfter,
  });
  const m = await trainMlp(tf, arch, norm, train, val, vVal, loopOpts('mlp', o.mlp, arch));
  let finished = m.loop.stoppedBy !== 'stopAfter';
  const report: TrainReport = {
    maps: { train: train.n, val: nVal },
    backend,
    mlp: { seconds: m.loop.seconds, trainedSeconds: m.loop.trainedSeconds, epochs: m.loop.epochs, bestEpoch: m.loop.bestEpoch, stoppedBy: m.loop.stoppedBy, val: m.val },
    cnn: null,
    endToEnd: null,
    seconds: 0,
    finished,
  };
  let cnnOut: Surrogate['cnn'] = null;
  if (o.cnn && carch && finished) {
    const px = carch.size * carch.size;
    const imgs = ts.images!.subarray(0, N * px);
    const feat = (idx: Int32Array) => gatherRows(X, nIn, idx).filter((_, i) => i % nIn < 2);
    const cTrain = { images: gatherRows(imgs, px, trIdx), y: feat(trIdx), n: train.n };
    const cVal = { images: gatherRows(imgs, px, valIdx), y: feat(valIdx), n: nVal };
    const c = await trainCnn(tf, carch, cTrain, cVal, o.cnn.augment, norm.inMean.slice(0, 2), norm.inStd.slice(0, 2), loopOpts('cnn', o.cnn, { carch, augment: o.cnn.augment }));
    finished = c.loop.stoppedBy !== 'stopAfter';
    report.cnn = { seconds: c.loop.seconds, trainedSeconds: c.loop.trainedSeconds, epochs: c.loop.epochs, bestEpoch: c.loop.bestEpoch, stoppedBy: c.loop.stoppedBy, val: c.val };
    cnnOut = { arch: carch, weights: c.weights };
    if (finished) {
      // End to end: the CNN's (n, q_L) from the clean validation images into the MLP.
      const cv = new Map([...c.weights].map(([k, w]) => [k, tf.tensor(w.data, w.shape)]));
      const pf = predictCnn(tf, carch, cv, cVal.images, nVal);
      for (const t of cv.values()) t.dispose();
      // The CNN reads the standardised (ln n, q_L); the derived inputs (ln q_intr of the light)
      // depend on q_L too, so the whole row is re-encoded from the CNN's raw (n, q_L).
      const rawE = gatherRaw(raw, valIdx);
      for (let i = 0; i < nVal; i++) {
        rawE[i * 5] = Math.exp(pf[2 * i] * norm.inStd[0] + norm.inMean[0]);
        rawE[i * 5 + 1] = pf[2 * i + 1] * norm.inStd[1] + norm.inMean[1];
      }
      const xe = encodeInputs(norm, rawE, nVal);
      const mv = mlpVars(tf, m.mlp);
      const yp = predictTf(tf, arch, mv, xe, nVal);
      for (const t of mv.values()) t.dispose();
      report.endToEnd = mapErrors(decodeOutputs(norm, yp, nVal), vVal, nVal, nG).metrics;
    }
  }
  report.finished = finished;
  report.seconds = (performance.now() - t0) / 1000;
  if (!finished) return { surrogate: null, report };
  const surrogate: Surrogate = {
    manifest: {
      format: '',
      formatVersion: 0,
      packageVersion: packageVersion(),
      weightsFile: '',
      weightsSha256: '',
      domain: ts.manifest.domain,
      grid: ts.manifest.grid,
      image: ts.manifest.image,
      inputs: [],
      inMean: [],
      inStd: [],
      mlp: arch,
      cnn: cnnOut?.arch ?? null,
      trainingSet: { ...dataId, complete: ts.manifest.complete, command: ts.manifest.command },
      training: { seed: o.seed, valFraction: o.valFraction, mlp: o.mlp, cnn: o.cnn, backend, seconds: report.seconds, stageSeconds: { mlp: report.mlp.trainedSeconds, cnn: report.cnn?.trainedSeconds ?? null } },
      metrics: { validation: { mlpExactSersic: report.mlp.val, cnn: report.cnn?.val ?? null, endToEnd: report.endToEnd } },
    },
    mlp: m.mlp,
    norm,
    cnn: cnnOut,
  };
  saveSurrogate(o.out, surrogate);
  return { surrogate, report };
}

function gatherRaw(raw: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length * 5);
  for (let r = 0; r < idx.length; r++) out.set(raw.subarray(idx[r] * 5, idx[r] * 5 + 5), r * 5);
  return out;
}
