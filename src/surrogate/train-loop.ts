/**
 * The training loop shared by the MLP and the CNN: Adam (written out, so that its moments are
 * plain arrays a checkpoint can hold), a cosine learning-rate schedule with a short linear
 * warm-up, seeded per-epoch shuffles, validation after every epoch, early stopping with the best
 * weights kept, and a checkpoint after every epoch (weights, Adam moments, epoch, best state and
 * history, written atomically) from which a killed run resumes exactly: the shuffle of epoch e
 * is drawn from its own generator seeded with (seed, e), so no RNG state needs saving.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { decodeBundle, encodeBundle } from './bundle.ts';
import type { Tf } from './tf.ts';

type Variable = import('@tensorflow/tfjs').Variable;
type Scalar = import('@tensorflow/tfjs').Scalar;

export interface LoopOptions {
  seed: number;
  /** Maximum epochs. */
  epochs: number;
  batch: number;
  /** Peak learning rate. */
  lr: number;
  /** Final learning rate as a fraction of the peak (cosine floor). */
  lrFloor: number;
  /** Warm-up epochs (linear from lr/10). */
  warmup: number;
  /** Stop after this many epochs without a validation improvement. */
  patience: number;
  /** Checkpoint file (resumed from when it exists and matches `fingerprint`); null for none. */
  checkpoint: string | null;
  /** Identifies the run (data, architecture, options): a checkpoint of another run is refused. */
  fingerprint: string;
  /** Wall-clock limit in seconds (the loop stops after the epoch that crosses it). */
  timeLimit?: number;
  onEpoch?: (e: EpochReport) => void;
  onStep?: (done: number, total: number) => void;
  /** Stop after this many epochs in this process (tests use it to simulate a kill). */
  stopAfter?: number;
}

export interface EpochReport {
  epoch: number;
  lr: number;
  trainLoss: number;
  valLoss: number;
  best: boolean;
  seconds: number;
  metrics: Record<string, number>;
}

export interface LoopModel {
  /** Trainable variables by name (the names key the checkpoint). */
  vars: Map<string, Variable>;
  /** Mean loss of the training rows `idx` in epoch `epoch` (called inside tf.variableGrads). */
  loss(idx: Int32Array, epoch: number): Scalar;
  /** Validation loss and metrics (lower loss is better). */
  validate(): { loss: number; metrics: Record<string, number> };
  nTrain: number;
}

export interface LoopResult {
  epochs: number;
  bestEpoch: number;
  bestValLoss: number;
  history: EpochReport[];
  stoppedBy: 'epochs' | 'patience' | 'time' | 'stopAfter';
  /** Wall time of this call, s. */
  seconds: number;
  /** Time of all epochs of the stage, s, over every run that contributed (resumes included). */
  trainedSeconds: number;
}

/** Learning rate at fractional epoch t. */
export function learningRate(o: Pick<LoopOptions, 'lr' | 'lrFloor' | 'warmup' | 'epochs'>, t: number): number {
  if (t < o.warmup) return o.lr * (0.1 + (0.9 * t) / o.warmup);
  const u = Math.min(1, (t - o.warmup) / Math.max(1e-9, o.epochs - o.warmup));
  return o.lr * (o.lrFloor + (1 - o.lrFloor) * 0.5 * (1 + Math.cos(Math.PI * u)));
}

/** Permutation of 0..n-1 for epoch `epoch` of run `seed`. */
export function epochPermutation(seed: number, epoch: number, n: number): Int32Array {
  const rng = new Rng(`jamfit-train-shuffle:${seed}:${epoch}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

interface State {
  epoch: number;
  step: number;
  bestEpoch: number;
  bestValLoss: number;
  history: EpochReport[];
  best: Map<string, Float32Array>;
}

export async function trainLoop(tf: Tf, model: LoopModel, o: LoopOptions): Promise<LoopResult> {
  const names = [...model.vars.keys()];
  const m = new Map(names.map((k) => [k, tf.variable(tf.zerosLike(model.vars.get(k)!), false)]));
  const v = new Map(names.map((k) => [k, tf.variable(tf.zerosLike(model.vars.get(k)!), false)]));
  const snapshot = (vars: Map<string, Variable>) => new Map(names.map((k) => [k, vars.get(k)!.dataSync() as Float32Array]));
  let st: State = { epoch: 0, step: 0, bestEpoch: -1, bestValLoss: Infinity, history: [], best: snapshot(model.vars) };
  if (o.checkpoint && existsSync(o.checkpoint)) st = restore(tf, o, model.vars, m, v, names);

  const b1 = 0.9;
  const b2 = 0.999;
  const eps = 1e-8;
  const stepsPerEpoch = Math.floor(model.nTrain / o.batch);
  const t0 = performance.now();
  let stoppedBy: LoopResult['stoppedBy'] = 'epochs';
  let ranHere = 0;
  while (st.epoch < o.epochs) {
    // A run resumed after it stopped early stays stopped.
    if (st.epoch - 1 - st.bestEpoch >= o.patience) {
      stoppedBy = 'patience';
      break;
    }
    const te = performance.now();
    const perm = epochPermutation(o.seed, st.epoch, model.nTrain);
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const lr = learningRate(o, st.epoch + s / stepsPerEpoch);
      const idx = perm.subarray(s * o.batch, (s + 1) * o.batch);
      st.step++;
      const c1 = 1 / (1 - b1 ** st.step);
      const c2 = 1 / (1 - b2 ** st.step);
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => model.loss(idx, st.epoch), [...model.vars.values()]);
        for (const k of names) {
          const g = grads[model.vars.get(k)!.name];
          const mk = m.get(k)!;
          const vk = v.get(k)!;
          mk.assign(tf.add(tf.mul(mk, b1), tf.mul(g, 1 - b1)));
          vk.assign(tf.add(tf.mul(vk, b2), tf.mul(tf.square(g), 1 - b2)));
          const upd = tf.div(tf.mul(mk, lr * c1), tf.add(tf.sqrt(tf.mul(vk, c2)), eps));
          model.vars.get(k)!.assign(tf.sub(model.vars.get(k)!, upd));
        }
        return value.dataSync()[0];
      });
      lossSum += l;
      o.onStep?.(s + 1, stepsPerEpoch);
    }
    const val = model.validate();
    const best = val.loss < st.bestValLoss;
    if (best) {
      st.bestValLoss = val.loss;
      st.bestEpoch = st.epoch;
      st.best = snapshot(model.vars);
    }
    const rep: EpochReport = { epoch: st.epoch, lr: learningRate(o, st.epoch + 1), trainLoss: lossSum / stepsPerEpoch, valLoss: val.loss, best, seconds: (performance.now() - te) / 1000, metrics: val.metrics };
    st.history.push(rep);
    st.epoch++;
    ranHere++;
    if (o.checkpoint) save(o, st, model.vars, m, v, names);
    o.onEpoch?.(rep);
    if (st.epoch - 1 - st.bestEpoch >= o.patience) {
      stoppedBy = 'patience';
      break;
    }
    if (o.timeLimit !== undefined && (performance.now() - t0) / 1000 >= o.timeLimit) {
      stoppedBy = 'time';
      break;
    }
    if (o.stopAfter !== undefined && ranHere >= o.stopAfter) {
      stoppedBy = 'stopAfter';
      break;
    }
  }
  // Leave the best weights in the model.
  for (const k of names) model.vars.get(k)!.assign(tf.tensor(st.best.get(k)!, model.vars.get(k)!.shape));
  for (const t of [...m.values(), ...v.values()]) t.dispose();
  return { epochs: st.epoch, bestEpoch: st.bestEpoch, bestValLoss: st.bestValLoss, history: st.history, stoppedBy, seconds: (performance.now() - t0) / 1000, trainedSeconds: st.history.reduce((t, h) => t + h.seconds, 0) };
}

function save(o: LoopOptions, st: State, vars: Map<string, Variable>, m: Map<string, Variable>, v: Map<string, Variable>, names: string[]): void {
  const arrays: [string, Float32Array][] = [];
  for (const k of names) {
    arrays.push([`w/${k}`, vars.get(k)!.dataSync() as Float32Array]);
    arrays.push([`m/${k}`, m.get(k)!.dataSync() as Float32Array]);
    arrays.push([`v/${k}`, v.get(k)!.dataSync() as Float32Array]);
    arrays.push([`best/${k}`, st.best.get(k)!]);
  }
  const meta = { kind: 'jamfit-checkpoint', fingerprint: o.fingerprint, epoch: st.epoch, step: st.step, bestEpoch: st.bestEpoch, bestValLoss: st.bestValLoss, history: st.history };
  writeFileAtomic(o.checkpoint!, encodeBundle(meta, arrays));
}

function restore(tf: Tf, o: LoopOptions, vars: Map<string, Variable>, m: Map<string, Variable>, v: Map<string, Variable>, names: string[]): State {
  const path = o.checkpoint!;
  const fix = 'delete it to start afresh';
  const b = decodeBundle(readFileSync(path));
  if (typeof b === 'string') throw new InputError(path, `${b}; ${fix}`);
  if (b.meta.kind !== 'jamfit-checkpoint') throw new InputError(path, `is not a training checkpoint; ${fix}`);
  if (b.meta.fingerprint !== o.fingerprint) throw new InputError(path, `belongs to another training run (other data, architecture or options); ${fix} or give the original options`);
  const best = new Map<string, Float32Array>();
  for (const k of names) {
    for (const [pre, target] of [['w', vars], ['m', m], ['v', v]] as const) {
      const a = b.arrays.get(`${pre}/${k}`);
      if (!a || a.length !== target.get(k)!.size) throw new InputError(path, `lacks a matching array ${pre}/${k}; ${fix}`);
      target.get(k)!.assign(tf.tensor(a, target.get(k)!.shape));
    }
    const bk = b.arrays.get(`best/${k}`);
    if (!bk) throw new InputError(path, `lacks best/${k}; ${fix}`);
    best.set(k, bk);
  }
  const meta = b.meta as unknown as { epoch: number; step: number; bestEpoch: number; bestValLoss: number | null; history: EpochReport[] };
  // JSON turns Infinity into null.
  return { epoch: meta.epoch, step: meta.step, bestEpoch: meta.bestEpoch, bestValLoss: meta.bestValLoss ?? Infinity, history: meta.history, best };
}
