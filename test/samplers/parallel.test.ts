/**
 * The piscina worker-pool evaluator: the chain is bit-identical to the in-thread evaluators for
 * the same seed (per-walker and batched exports), errors name the walker, NaN is counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumericalError } from '../../core/errors.ts';
import { EnsembleSampler, Rng, workerPoolEvaluator } from '../../samplers/index.ts';
import { stdNormalBlob, nanOutside } from './fixtures/targets.ts';

const targets = new URL('./fixtures/targets.ts', import.meta.url);
const init = () => {
  const r = new Rng(21);
  return Array.from({ length: 14 }, () => [r.normal(), r.normal(), r.normal()]);
};

test('serial, batched and 2-worker pools (per-walker and batched exports) give the same chain bit for bit', async () => {
  const chains: Float64Array[] = [];
  const blobs: number[][][][] = [];
  const kinds = [
    { logProb: stdNormalBlob },
    { evaluator: workerPoolEvaluator({ module: targets, exportName: 'stdNormalBlob', workers: 2 }) },
    { evaluator: workerPoolEvaluator({ module: targets, exportName: 'stdNormalBatch', batched: true, workers: 2 }) },
    // A path string relative to the working directory also works (npm test runs from the repo root).
    { evaluator: workerPoolEvaluator({ module: 'test/samplers/fixtures/targets.ts', exportName: 'stdNormalBlob', workers: 1 }) },
  ];
  for (const k of kinds) {
    const s = new EnsembleSampler({ nwalkers: 14, ndim: 3, blobs: 1, seed: 21, ...k });
    try {
      await s.run(init(), 150);
      chains.push(s.getChainArray().data);
      blobs.push(s.getBlobs());
    } finally {
      await s.close();
    }
  }
  for (let i = 1; i < chains.length; i++) {
    assert.deepEqual(chains[i], chains[0], `evaluator ${i} differs from the serial chain`);
    assert.deepEqual(blobs[i], blobs[0]);
  }
});

test('a worker exception names the walker and position; NaN from workers is counted', async () => {
  const s = new EnsembleSampler({ nwalkers: 14, ndim: 3, seed: 22, evaluator: workerPoolEvaluator({ module: targets, exportName: 'throwsFarOut' }) });
  try {
    const r = new Rng(22);
    await assert.rejects(s.run(Array.from({ length: 14 }, () => [0.5 * r.normal(), r.normal(), r.normal()]), 5000), (e: unknown) => {
      assert.ok(e instanceof NumericalError, String(e));
      assert.match(e.message, /logProb \(file:.*targets\.ts#throwsFarOut\) threw at walker \d+, x = \[([-\d.e]+), .*\]: model diverged/);
      return true;
    });
  } finally {
    await s.close();
  }
  const serial = new EnsembleSampler({ nwalkers: 14, ndim: 3, seed: 23, logProb: nanOutside });
  const pool = new EnsembleSampler({ nwalkers: 14, ndim: 3, seed: 23, evaluator: workerPoolEvaluator({ module: targets, exportName: 'nanOutside' }) });
  try {
    const r = new Rng(23);
    const start = Array.from({ length: 14 }, () => [0.3 * r.normal(), r.normal(), r.normal()]);
    await serial.run(start, 200);
    await pool.run(start, 200);
    assert.ok(pool.nanCount > 0);
    assert.equal(pool.nanCount, serial.nanCount);
  } finally {
    await pool.close();
  }
  const missing = new EnsembleSampler({ nwalkers: 14, ndim: 3, seed: 23, evaluator: workerPoolEvaluator({ module: targets, exportName: 'nope' }) });
  try {
    await assert.rejects(missing.run(init(), 1), /has no exported function "nope"/);
  } finally {
    await missing.close();
  }
  const dies = new EnsembleSampler({ nwalkers: 14, ndim: 3, seed: 23, evaluator: workerPoolEvaluator({ module: targets, exportName: 'exitsThread' }) });
  try {
    await assert.rejects(dies.run(init(), 1), /worker for .*#exitsThread (failed|stopped unexpectedly)/);
  } finally {
    await dies.close();
  }
  assert.throws(() => workerPoolEvaluator({ module: targets, workers: 0 }), /workers: must be an integer >= 1/);
});
