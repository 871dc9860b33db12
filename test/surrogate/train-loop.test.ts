/**
 * The training loop: a run killed after some epochs and resumed from its checkpoint ends with
 * exactly the weights of the uninterrupted run (the checkpoint holds weights, Adam moments,
 * step count, best state; shuffles are a function of (seed, epoch)); a checkpoint of another run
 * is refused; the learning-rate schedule has its documented shape.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { initMlp } from '../../src/surrogate/mlp.ts';
import { loadTf } from '../../src/surrogate/tf.ts';
import { gatherRows, mlpForwardTf, mlpVars } from '../../src/surrogate/train-mlp.ts';
import { learningRate, trainLoop, type LoopOptions } from '../../src/surrogate/train-loop.ts';

async function run(opts: Partial<LoopOptions>) {
  const { tf } = await loadTf();
  const arch = { nFeatures: 2, nParams: 1, hidden: [8], bottleneck: 0, nOut: 2 };
  const n = 64;
  const x = Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(1.7 * i));
  const y = Float32Array.from({ length: n * 2 }, (_, i) => Math.cos(0.9 * i) * 0.5);
  const vars = mlpVars(tf, initMlp(arch, 3));
  const o: LoopOptions = { seed: 5, epochs: 6, batch: 16, lr: 1e-2, lrFloor: 0.01, warmup: 1, patience: 100, checkpoint: null, fingerprint: 'test', ...opts };
  const res = await trainLoop(
    tf,
    {
      vars,
      nTrain: n,
      loss: (idx) => tf.mean(tf.square(tf.sub(mlpForwardTf(tf, arch, vars, tf.tensor2d(gatherRows(x, 3, idx), [idx.length, 3])), tf.tensor2d(gatherRows(y, 2, idx), [idx.length, 2])))) as any,
      // Validation on the training rows themselves: deterministic, enough to drive "best".
      validate: () => ({ loss: tf.tidy(() => tf.mean(tf.square(tf.sub(mlpForwardTf(tf, arch, vars, tf.tensor2d(x, [n, 3])), tf.tensor2d(y, [n, 2])))).dataSync()[0]), metrics: {} }),
    },
    o,
  );
  const w = [...vars.values()].map((v) => Array.from(v.dataSync()));
  for (const v of vars.values()) v.dispose();
  return { res, w };
}

test('a killed and resumed run ends with the weights of the uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-loop-'));
  try {
    const full = await run({});
    const ck = join(dir, 'ck.bin');
    const first = await run({ checkpoint: ck, stopAfter: 2 });
    assert.equal(first.res.stoppedBy, 'stopAfter');
    assert.equal(first.res.epochs, 2);
    const resumed = await run({ checkpoint: ck });
    assert.equal(resumed.res.epochs, 6);
    assert.equal(resumed.res.history.length, 6);
    assert.deepEqual(resumed.w, full.w);
    // The loss went down, so the comparison is between trained networks, not two inits.
    assert.ok(full.res.bestValLoss < full.res.history[0].valLoss);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint of another run is refused with the file named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-loop-'));
  try {
    const ck = join(dir, 'ck.bin');
    await run({ checkpoint: ck, stopAfter: 1 });
    await assert.rejects(run({ checkpoint: ck, fingerprint: 'other' }), (e: unknown) => e instanceof InputError && e.message.startsWith(ck) && /another training run/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('learning rate: linear warm-up from lr/10, cosine to the floor', () => {
  const o = { lr: 1, lrFloor: 0.01, warmup: 2, epochs: 12 };
  assert.equal(learningRate(o, 0), 0.1);
  assert.ok(Math.abs(learningRate(o, 1) - 0.55) < 1e-12);
  assert.equal(learningRate(o, 2), 1);
  assert.ok(Math.abs(learningRate(o, 7) - (0.01 + 0.99 * 0.5)) < 1e-12);
  assert.ok(Math.abs(learningRate(o, 12) - 0.01) < 1e-12);
});
