/**
 * The worker pool's `init` hand-over: each worker gets the data once, builds its log-probability
 * with the module's setup function, and the chain is bit-identical to a serial run built from the
 * same data; a setup export that returns no function is a clear error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnsembleSampler, Rng, workerPoolEvaluator } from '../../samplers/index.ts';
import { setupGauss, type GaussData } from './fixtures/init-target.ts';

const mod = new URL('./fixtures/init-target.ts', import.meta.url);
const data: GaussData = { mean: [1, -2, 0.5], sd: Float64Array.of(0.5, 2, 1) };
const start = () => {
  const r = new Rng(5);
  return Array.from({ length: 10 }, () => [r.normal(), r.normal(), r.normal()]);
};

test('init data reach every worker once: the 2-worker chain equals the serial chain bit for bit', async () => {
  const serial = new EnsembleSampler({ nwalkers: 10, ndim: 3, blobs: 1, seed: 9, logProb: setupGauss(data) });
  const pool = new EnsembleSampler({ nwalkers: 10, ndim: 3, blobs: 1, seed: 9, evaluator: workerPoolEvaluator({ module: mod, exportName: 'setupGauss', init: data, workers: 2 }) });
  try {
    await serial.run(start(), 120);
    await pool.run(start(), 120);
    assert.deepEqual(pool.getChainArray().data, serial.getChainArray().data);
    assert.deepEqual(pool.getBlobs(), serial.getBlobs());
    // The data matter: a different mean gives a different chain (the workers did not ignore init).
    const other = new EnsembleSampler({ nwalkers: 10, ndim: 3, blobs: 1, seed: 9, logProb: setupGauss({ ...data, mean: [0, 0, 0] }) });
    await other.run(start(), 120);
    assert.notDeepEqual(other.getChainArray().data, serial.getChainArray().data);
  } finally {
    await serial.close();
    await pool.close();
  }
});

test('a setup export that returns no function fails with a message naming it; unclonable init is refused', async () => {
  const s = new EnsembleSampler({ nwalkers: 10, ndim: 3, seed: 1, evaluator: workerPoolEvaluator({ module: mod, exportName: 'notSetup', init: {}, workers: 1 }) });
  try {
    await assert.rejects(s.run(start(), 5), /notSetup\(init\) returned number, not a log-probability function/);
  } finally {
    await s.close();
  }
  assert.throws(() => workerPoolEvaluator({ module: mod, exportName: 'setupGauss', init: { f: () => 1 } }), /init: cannot be sent to the workers/);
});
