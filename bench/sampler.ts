/**
 * `npm run bench -- sampler`: the ensemble sampler against emcee 3.1.4 measured in the same run
 * (bench/emcee_reference.py under Debian's /usr/bin/python3, a subprocess run before our
 * timings so the two do not share the CPU). Without emcee there (apt-get install -y
 * python3-emcee) the emcee rows have no reference and say why.
 *
 * - Overhead per walker-step with a trivial 4-D log-probability at 32 and 128 walkers, bare and
 *   with disk storage (npy + sidecar checkpoints, default schedule), one blob and auto-stop
 *   diagnostics switched on. Target <= 1 us; reference: emcee's wall time per walker-step on the
 *   same target (its Python call included, as ours includes the JS call).
 * - Wall time per step for a log-probability costing ~50 us (compute-bound; its measured cost is
 *   reported), 32 and 128 walkers, serial vs a 2-worker piscina pool. Target >= 1.7x.
 * - Efficiency with 32 walkers and the stretch move: acceptance and integrated tau on the 2-D
 *   correlated Gaussian and the 10-D ill-conditioned Gaussian (41000 steps, 1000 discarded,
 *   seeded), against emcee's on the same targets and run lengths; target within 20 %.
 */
import { spawnSync } from 'node:child_process';
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
const PYTHON = '/usr/bin/python3';
const MEASURED = 'measured in this run';

interface EmceeFigures {
  versions: { emcee: string; numpy: string };
  overhead_us: Record<string, number>;
  efficiency: Record<'corr2' | 'rot10', { acceptance_mean: number; tau_mean: number }>;
}

/** Runs bench/emcee_reference.py; null with a reason when emcee cannot run here. */
function emceeFigures(steps: number, discard: number): { figures: EmceeFigures | null; why: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import emcee'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { figures: null, why: `${PYTHON} lacks emcee (apt-get install -y python3-emcee): emcee not measured` };
  process.stderr.write('bench: sampler: measuring emcee (about a minute) ...\n');
  const script = new URL('./emcee_reference.py', import.meta.url).pathname;
  const r = spawnSync(PYTHON, [script, '--steps', String(steps), '--discard', String(discard)], { encoding: 'utf8', timeout: 900_000, maxBuffer: 1 << 24 });
  if (r.status !== 0) return { figures: null, why: `emcee_reference.py failed (${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').pop()})` };
  return { figures: JSON.parse(r.stdout) as EmceeFigures, why: '' };
}

async function overheadBare(W: number): Promise<number> {
  const s = new EnsembleSampler({ nwalkers: W, ndim: 4, logProb: trivial, seed: 1 });
  await s.run(start(W, 4, 1), 500);
  const steps = Math.round(640000 / W);
  const ms = await timeMs(() => s.run(null, steps), 5, 1);
  return (ms * 1000) / (steps * W);
}

async function overheadFull(W: number, autoStop: boolean): Promise<{ us: number; steps: number }> {
  const root = mkdtempSync(join(tmpdir(), 'jamfit-bench-'));
  let n = 0;
  let last = 0;
  try {
    const ms = await timeMs(async () => {
      const s = new EnsembleSampler({ nwalkers: W, ndim: 4, logProb: trivial, blobs: ['r2'], seed: 2, backend: new DiskBackend(join(root, String(n++))) });
      const r = await s.run(start(W, 4, 2), Math.round(640000 / W), { autoStop });
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

async function efficiency(logProb: (x: Float64Array) => number, init: number[][], ndim: number, steps: number, discard: number) {
  const s = new EnsembleSampler({ nwalkers: 32, ndim, logProb, seed: 4 });
  await s.run(init, steps);
  const c = s.getChainArray({ discard });
  const tau = autocorrTime(c.data, c, { quiet: true });
  return { acc: s.acceptanceFraction.reduce((a, b) => a + b) / 32, tauMean: tau.reduce((a, b) => a + b) / tau.length, tauMax: Math.max(...tau) };
}

export async function run(): Promise<BenchRow[]> {
  const STEPS = 41000, DISCARD = 1000;
  const { figures: em, why } = emceeFigures(STEPS, DISCARD);
  const emName = em ? `emcee ${em.versions.emcee}` : 'emcee';
  const ref = (value: number | undefined) =>
    em && value !== undefined ? { reference: value, referenceName: emName, referenceSource: `${MEASURED} (bench/emcee_reference.py, numpy ${em.versions.numpy})` } : { referenceSource: why };
  const rows: BenchRow[] = [];
  for (const W of [32, 128]) {
    const us = await overheadBare(W);
    const e = em?.overhead_us[String(W)];
    rows.push({ name: `sampler overhead per walker-step, 4-D trivial, ${W} walkers`, value: us, unit: 'us', ...ref(e), ratio: e === undefined ? undefined : e / us, target: '<= 1 us', pass: us <= 1 });
  }
  for (const W of [32, 128]) {
    const { us } = await overheadFull(W, false);
    const e = em?.overhead_us[String(W)];
    rows.push({ name: `  same + disk storage, 1 blob, ${W} walkers`, value: us, unit: 'us', ...ref(e), ratio: e === undefined ? undefined : e / us, target: '<= 1 us', pass: us <= 1 });
  }
  // Auto-stop's default schedule is fixed by the step count (reproducible), so with a trivial
  // likelihood its tau estimates dominate (~13 full estimates by the stop); with a JAM likelihood
  // (ms per call) they are < 1 % of the run. Informational: no target.
  for (const W of [32, 128]) {
    const { us, steps } = await overheadFull(W, true);
    rows.push({ name: `  same + auto-stop, default schedule (stopped at ${steps}), ${W} walkers`, value: us, unit: 'us' });
  }
  const callUs = await slowCallUs();
  rows.push({ name: 'cost of one call of the "50 us" log-probability', value: callUs, unit: 'us' });
  for (const W of [32, 128]) {
    const serial = await slowStep(W, 0);
    const pool = await slowStep(W, 2);
    rows.push({ name: `step time, ${callUs.toFixed(0)} us log-prob, ${W} walkers, serial`, value: serial, unit: 'ms' });
    rows.push({ name: `step time, ${callUs.toFixed(0)} us log-prob, ${W} walkers, 2 piscina workers`, value: pool, unit: 'ms', reference: serial, referenceName: 'serial', referenceSource: MEASURED, ratio: serial / pool, target: '>= 1.7x', pass: serial / pool >= 1.7 });
  }
  const e2 = await efficiency(corr2, corr2Draws(32, new Rng(5)), 2, STEPS, DISCARD);
  const g = rotatedGaussian();
  const e10 = await efficiency(g.logProb, g.draws(32, new Rng(6)), g.D, STEPS, DISCARD);
  const near = (v: number, r: number | undefined) => (r === undefined ? undefined : Math.abs(v / r - 1) <= 0.2);
  const c2 = em?.efficiency.corr2, r10 = em?.efficiency.rot10;
  rows.push({ name: 'acceptance, 2-D Gaussian rho 0.95, stretch, 32 walkers', value: e2.acc, unit: '', ...ref(c2?.acceptance_mean), ratio: c2 && e2.acc / c2.acceptance_mean, target: 'within 20%', pass: near(e2.acc, c2?.acceptance_mean) });
  rows.push({ name: 'integrated tau (max over dims), 2-D Gaussian rho 0.95', value: e2.tauMax, unit: 'steps', ...ref(c2?.tau_mean), ratio: c2 && c2.tau_mean / e2.tauMax, target: 'within 20%', pass: near(e2.tauMax, c2?.tau_mean) });
  rows.push({ name: 'acceptance, 10-D Gaussian cond 1e4, stretch, 32 walkers', value: e10.acc, unit: '', ...ref(r10?.acceptance_mean), ratio: r10 && e10.acc / r10.acceptance_mean, target: 'within 20%', pass: near(e10.acc, r10?.acceptance_mean) });
  rows.push({ name: 'integrated tau (mean over dims), 10-D Gaussian', value: e10.tauMean, unit: 'steps', ...ref(r10?.tau_mean), ratio: r10 && r10.tau_mean / e10.tauMean, target: 'within 20%', pass: near(e10.tauMean, r10?.tau_mean) });
  return rows;
}
