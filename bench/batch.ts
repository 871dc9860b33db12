/**
 * `npm run bench -- batch`: survey throughput of `jamfit batch` in galaxy fits per hour, on the
 * engine `jamfit fit` uses by default (read back from a galaxy's config.json and printed).
 *
 * Inputs: N mocks made by `jamfit mock` (src/run/mock.ts) from the bundled Sérsic galaxy
 * (fixtures/examples/mock-galaxy: n = 4, R_e = 10", beta_z 0.15, q_M 0.75, i 65, M/L 4), 2.6"
 * spaxels within 2 R_e (about 150 bins), 1" PSF, 5 % noise, one noise seed per galaxy; fitted
 * with 32 walkers, no plots, all cores. Options (after `--`, beside the suite name):
 *   --batch-n N (default 8), --batch-steps S (default 3000, the issue's figure),
 *   --batch-workers K (default: the cores), --batch-exact (force the exact JAM),
 *   --batch-lockstep G (groups of G galaxies sharing each network call, one group per worker:
 *   the GPU path, run here on the CPU engines; adds a row beside the per-galaxy one). Without
 *   --batch-exact the table also gives the exact-JAM equivalent (one galaxy per worker, 10 steps,
 *   extrapolated).
 * With the exact JAM a 3000-step fit takes many minutes, so a short S is practical there; when
 * S < 3000 the table also gives the rate at 3000 steps, extrapolated per galaxy as its measured
 * wall time plus (3000 - S) x its measured sampling time per step (the per-galaxy overhead,
 * start-up and summary, is kept as measured; the parallel efficiency is the measured one).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { lockstepLine, runBatch } from '../src/batch/batch.ts';
import type { GalaxyResult } from '../src/batch/fit-galaxy.ts';
import { runMock } from '../src/run/mock.ts';
import type { BenchRow } from './table.ts';

const FULL_STEPS = 3000;
const TARGET = 5000;

function option(name: string, dflt: number): number {
  const k = process.argv.indexOf(`--${name}`);
  if (k < 0) return dflt;
  const v = Number(process.argv[k + 1]);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`bench batch: --${name} ${process.argv[k + 1]}: give an integer >= 1`);
  return v;
}

export async function run(): Promise<BenchRow[]> {
  const n = option('batch-n', 8);
  const steps = option('batch-steps', FULL_STEPS);
  const workers = option('batch-workers', availableParallelism());
  const exact = process.argv.includes('--batch-exact');
  const lockstep = option('batch-lockstep', 0);
  const rows = await measure(n, steps, workers, exact);
  if (lockstep > 0) rows.push(...(await measure(n, steps, workers, false, lockstep)));
  // The exact-JAM equivalent of the same survey, unless that was what was asked for: one
  // galaxy per worker for a few steps, extrapolated to 3000 steps as above.
  if (!exact) rows.push(...(await measure(Math.min(workers, n), EXACT_STEPS, workers, true)).filter((r) => r.name.includes('extrapolated')).map((r) => ({ ...r, name: `exact-JAM equivalent: ${r.name}`, target: undefined, pass: undefined })));
  return rows;
}

/** Steps of the exact-JAM comparison: the fewest jamfit fit accepts (about 2 s each per galaxy here). */
const EXACT_STEPS = 10;

async function measure(n: number, steps: number, workers: number, exact: boolean, lockstep = 0): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'jamfit-bench-batch-'));
  try {
    const photometry = fileURLToPath(new URL('../fixtures/examples/mock-galaxy/photometry.json', import.meta.url));
    const lines = ['name,kinematics,photometry,distance_mpc,psf_sigma,pixsize'];
    let nbins = 0;
    for (let i = 0; i < n; i++) {
      const dir = join(root, 'mocks', `m${i}`);
      const m = runMock({ photometry, betaZ: 0.15, qM: 0.75, incDeg: 65, ml: 4, distance: 20, pixel: 2.6, psfSigma: '1', pixsize: 2.6, noiseFrac: 0.05, seed: 1000 + i, out: dir });
      nbins += m.nbins;
      lines.push(`m${i},${join(dir, 'kinematics.csv')},${join(dir, 'photometry.json')},20,1,2.6`);
    }
    const manifest = join(root, 'manifest.csv');
    writeFileAtomic(manifest, lines.join('\n') + '\n');
    const results: GalaxyResult[] = [];
    const t0 = performance.now();
    const out = join(root, 'survey');
    const r = await runBatch(
      { manifest, out, workers, lockstep: lockstep || 'off', plots: 'none', fit: { walkers: 32, steps, ...(exact ? { exact: true } : {}) }, onGalaxy: (g) => results.push(g) },
      { out: () => {}, err: (s) => process.stderr.write(s + '\n') },
      {},
    );
    const wall = (performance.now() - t0) / 1000;
    if (r.failures.length) throw new Error(`bench batch: ${r.failures.length} fits failed, e.g. ${r.failures[0].name}: ${r.failures[0].error}`);
    const engine = String(JSON.parse(readFileSync(join(out, 'm0', 'config.json'), 'utf8')).engine);
    const how = `${Math.min(workers, n)} workers${lockstep && r.lockstep ? `, lockstep groups of up to ${lockstep} (${lockstepLine(r.lockstep)})` : ''}`;
    const what = `${n} mocks x ${(nbins / n).toFixed(0)} bins, 32 walkers x ${steps} steps, ${how}, engine ${engine}`;
    const perHour = (n / wall) * 3600;
    const rows: BenchRow[] = [{ name: `batch fits per hour (${what}; measured)`, value: perHour, unit: 'fits/h', ...(steps === FULL_STEPS ? { target: `>= ${TARGET}`, pass: perHour >= TARGET } : {}) }];
    if (steps < FULL_STEPS && !lockstep) {
      const measured = results.reduce((s, g) => s + g.seconds, 0);
      const full = results.reduce((s, g) => s + g.seconds + ((FULL_STEPS - steps) * g.msPerStep) / 1000, 0);
      const extrapolated = perHour * (measured / full);
      rows.push({ name: `batch fits per hour at ${FULL_STEPS} steps (engine ${engine}; extrapolated from ${steps} steps)`, value: extrapolated, unit: 'fits/h', target: `>= ${TARGET}`, pass: extrapolated >= TARGET });
    }
    const ms = results.map((g) => g.msPerStep).sort((a, b) => a - b);
    if (!lockstep) rows.push({ name: `sampling time per step, median over galaxies (engine ${engine}, one thread per galaxy)`, value: ms[ms.length >> 1], unit: 'ms' });
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
