/**
 * `npm run bench -- sampler`: the ensemble sampler against emcee 3.1.4's published figures
 * (the issue's numbers; emcee is not run here).
 *
 * - Overhead per walker-step with a trivial 4-D log-probability at 32 and 128 walkers, bare and
 *   with disk storage (npy + sidecar checkpoints, default schedule), one blob and auto-stop
 *   diagnostics switched on. Target <= 1 us; emcee: ~15 us and ~6 us.
 * - Wall time per step for a log-probability costing ~50 us (compute-bound; its measured cost is
 *   reported), 32 and 128 walkers, serial vs a 2-worker piscina pool. Target >= 1.7x.
 * - Efficiency with 32 walkers and the stretch move: acceptance and integrated tau on the 2-D
 *   correlated Gaussian (emcee 0.72, 33) and the 10-D ill-conditioned Gaussian (0.42, 127);
 *   target within 20 %.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autocorrTime, DiskBackend, EnsembleSampler, Rng, workerPoolEvaluator } from '../samplers/index.ts';
import { corr2, corr2Draws, rotatedGaussian, slowNormal } from '../test/samplers/fixtures/targets.ts';
import { timeMs, type BenchRow } from './table.ts';

const trivial = (x: Float64Array, blob: Float64Array): number => {
  const r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + x[3] * x[3];
  if (blob.length) blob[0] = r2;
  return -0.5 * r2;
};
const start = (W: number, D: number, seed: number) => {
  const r = new Rng(seed);
  return Array.from({ length: W }, () => Array.from({ length: D }, () => r.normal()));
};
const EMCEE_US: Record<number, number> = { 32: 15, 128: 6 };

async function overheadBare(W: number): Promise<number> {
  const s = new EnsembleSampler({ nwalkers: W, ndim: 4, logProb: trivial, seed: 1 });
  await s.run(start(W, 4, 1), 500);
  const steps = Math.round(640000 / W);
  const ms = await timeMs(() => s.run(null, steps), 5, 1);
  return (ms * 1000) / (steps * W);
}

async function overheadFull(W: number): Promise<{ us: number; steps: number }> {
  const root = mkdtempSync(join(tmpdir(), 'jamfit-bench-'));
  let n = 0;
  let last = 0;
  try {
    const ms = await timeMs(async () => {
      const s = new EnsembleSampler({ nwalkers: W, ndim: 4, logProb: trivial, blobs: ['r2'], seed: 2, backend: new DiskBackend(join(root, String(n++))) });
      const r = await s.run(start(W, 4, 2), Math.round(640000 / W), { autoStop: true });
      await s.close();
      last = r.steps;
    }, 5, 1);
    return { us: (ms * 1000) / (last * W), steps: last };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Measured cost of one slowNormal call in the main thread, us. */
async function slowCallUs(): Promise<number> {
  const x = new Float64Array([0.1, 0.2, 0.3, 0.4]);
  const b = new Float64Array(0);
  return (await timeMs(() => { for (let i = 0; i < 2000; i++) slowNormal(x, b); }, 5, 1)) / 2;
}

async function slowStep(W: number, workers: number): Promise<number> {
  const s =
    workers === 0
      ? new EnsembleSampler({ nwalkers: W, ndim: 4, logProb: slowNormal, seed: 3 })
      : new EnsembleSampler({ nwalkers: W, ndim: 4, seed: 3, evaluator: workerPoolEvaluator({ module: new URL('../test/samplers/fixtures/targets.ts', import.meta.url), exportName: 'slowNormal', workers }) });
  try {
    await s.run(start(W, 4, 3), 10);
    const steps = Math.round(1920 / W);
    return (await timeMs(() => s.run(null, steps), 5, 1)) / steps;
  } finally {
    await s.close();
  }
}

async function efficiency(logProb: (x: Float64Array) => number, init: number[][], ndim: number, steps: number) {
  const s = new EnsembleSampler({ nwalkers: 32, ndim, logProb, seed: 4 });
  await s.run(init, steps);
  const c = s.getChainArray({ discard: 1000 });
  const tau = autocorrTime(c.data, c);
  return { acc: s.acceptanceFraction.reduce((a, b) => a + b) / 32, tau: tau.reduce((a, b) => a + b) / tau.length };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const W of [32, 128]) {
    const us = await overheadBare(W);
    rows.push({ name: `sampler overhead per walker-step, 4-D trivial, ${W} walkers`, value: us, unit: 'us', reference: EMCEE_US[W], referenceName: 'emcee 3.1.4', ratio: EMCEE_US[W] / us, target: '<= 1 us', pass: us <= 1 });
  }
  for (const W of [32, 128]) {
    const { us, steps } = await overheadFull(W);
    rows.push({ name: `  same + disk storage, 1 blob, auto-stop (${steps} steps), ${W} walkers`, value: us, unit: 'us', reference: EMCEE_US[W], referenceName: 'emcee 3.1.4', ratio: EMCEE_US[W] / us, target: '<= 1 us', pass: us <= 1 });
  }
  const callUs = await slowCallUs();
  rows.push({ name: 'cost of one call of the "50 us" log-probability', value: callUs, unit: 'us' });
  for (const W of [32, 128]) {
    const serial = await slowStep(W, 0);
    const pool = await slowStep(W, 2);
    rows.push({ name: `step time, ${callUs.toFixed(0)} us log-prob, ${W} walkers, serial`, value: serial, unit: 'ms' });
    rows.push({ name: `step time, ${callUs.toFixed(0)} us log-prob, ${W} walkers, 2 piscina workers`, value: pool, unit: 'ms', reference: serial, referenceName: 'serial', ratio: serial / pool, target: '>= 1.7x', pass: serial / pool >= 1.7 });
  }
  const e2 = await efficiency(corr2, corr2Draws(32, new Rng(5)), 2, 41000);
  const g = rotatedGaussian();
  const e10 = await efficiency(g.logProb, g.draws(32, new Rng(6)), g.D, 41000);
  const near = (v: number, ref: number) => Math.abs(v / ref - 1) <= 0.2;
  rows.push({ name: 'acceptance, 2-D Gaussian rho 0.95, stretch, 32 walkers', value: e2.acc, unit: '', reference: 0.72, referenceName: 'emcee 3.1.4', ratio: e2.acc / 0.72, target: 'within 20%', pass: near(e2.acc, 0.72) });
  rows.push({ name: 'integrated tau, 2-D Gaussian rho 0.95', value: e2.tau, unit: 'steps', reference: 33, referenceName: 'emcee 3.1.4', ratio: 33 / e2.tau, target: 'within 20%', pass: near(e2.tau, 33) });
  rows.push({ name: 'acceptance, 10-D Gaussian cond 1e4, stretch, 32 walkers', value: e10.acc, unit: '', reference: 0.42, referenceName: 'emcee 3.1.4', ratio: e10.acc / 0.42, target: 'within 20%', pass: near(e10.acc, 0.42) });
  rows.push({ name: 'integrated tau (mean over dims), 10-D Gaussian', value: e10.tau, unit: 'steps', reference: 127, referenceName: 'emcee 3.1.4', ratio: 127 / e10.tau, target: 'within 20%', pass: near(e10.tau, 127) });
  return rows;
}
