/**
 * Full-fit benchmark (issue: a 32 x 5,000 surrogate fit of one galaxy, the whole `jamfit fit`
 * command with its plots, in <= 5 s on the 2-core machine; the sampling itself ~1 s). Runs the
 * real command as a child process on the bundled mock (fixtures/examples/mock-galaxy: 115 bins,
 * PSF 1", 3" pixels), three times (median), and reads the sampling time from its fit.log. Next
 * to it, measured in the same run: the exact-JAM likelihood's time per sampler step (32 models on
 * the PSF grid of the same data) and what a 32 x 5,000 exact fit would take serially.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../samplers/rng.ts';
import { buildFitProblem } from '../src/fit/fit-problem.ts';
import { prepareFit } from '../src/fit/fit.ts';
import type { BenchRow } from './table.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MOCK = join(ROOT, 'fixtures/examples/mock-galaxy');
const BIN = join(ROOT, 'bin/jamfit.js');

export async function run(): Promise<BenchRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'jamfit-bench-fit-'));
  const walls: number[] = [];
  const samples: number[] = [];
  try {
    for (let rep = 0; rep < 3; rep++) {
      const out = join(tmp, `run${rep}`);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [BIN, 'fit', join(MOCK, 'kinematics.csv'), '--photometry', join(MOCK, 'photometry.json'), '--distance', '20', '--psf-sigma', '1', '--pixsize', '3', '--walkers', '32', '--steps', '5000', '--out', out], { encoding: 'utf8' });
      walls.push((performance.now() - t0) / 1000);
      if (r.status !== 0) throw new Error(`bench fit: jamfit fit failed: ${r.stderr}`);
      const m = readFileSync(join(out, 'fit.log'), 'utf8').match(/sampled \d+ steps \(\d+ in all\) in ([\d.]+) s/);
      if (m) samples.push(Number(m[1]));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const med = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  const wall = med(walls);
  const sample = med(samples);

  // Exact JAM: 32 models (one sampler step) at prior draws on the same data and operator.
  const spec = prepareFit({ kinematics: join(MOCK, 'kinematics.csv'), photometry: join(MOCK, 'photometry.json'), distance: 20, psfSigma: '1', pixsize: 3, out: join(tmp, 'x') }).spec;
  const pe = buildFitProblem({ ...spec, engine: 'exact' });
  const rng = new Rng('bench-fit');
  const xs = Array.from({ length: 32 }, () => pe.prior.draw(rng));
  const blob = new Float64Array(2);
  pe.logProb(xs[0], blob);
  const t0 = performance.now();
  for (const x of xs) pe.logProb(x, blob);
  const exactStepMs = performance.now() - t0;
  const surStepMs = (sample * 1000) / 5000;
  return [
    { name: 'jamfit fit, surrogate, 32 walkers x 5000 steps, 115 bins + PSF, whole command with plots', value: wall, unit: 's', target: '<= 5 s', pass: wall <= 5 },
    { name: '  of which sampling (fit.log)', value: sample, unit: 's', target: '~1 s', pass: sample <= 1.5 },
    { name: 'sampler step (32 models): surrogate vs exact JAM', value: surStepMs, unit: 'ms', reference: exactStepMs, referenceName: 'exact JAM step', referenceSource: 'measured in this run', ratio: exactStepMs / surStepMs },
    { name: '  exact JAM 32 x 5000 fit, serial (extrapolated from one step)', value: (exactStepMs * 5000) / 1000 / 60, unit: 'min' },
  ];
}
