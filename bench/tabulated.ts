/**
 * The tabulated exact engine (src/engines/tabulated) on NGC 6278 (fixtures/ngc6278: 152 bins,
 * PSF 1.06", 1" pixels, mass follows light), measured in one run:
 *  - the likelihood per evaluation (log posterior with the fractional systematic term), against
 *    the direct exact JAM's in the same run (the ratio is the speed-up); target <= 5 us;
 *  - the whole `jamfit fit` command (32 walkers x 5,000 steps, plots, self-check) with mass
 *    following light (target <= 10 s) and, with `--tabulated-halo`, with NFW (<= 30 s) and gNFW
 *    (<= 45 s) haloes (minutes; run on request);
 *  - the table build (exact basis evaluations) and its error bound.
 * The direct engine's 32 x 5,000 time is extrapolated from its per-model time (that chain takes
 * about half an hour, so it is not run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../samplers/rng.ts';
import { buildFitProblem } from '../src/fit/fit-problem.ts';
import { ngc6278Spec } from '../test/engines/tabulated-helpers.ts';
import { perEvalUs, type BenchRow } from './table.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/jamfit.js');
const N6278 = join(ROOT, 'fixtures/ngc6278');


function fitCommand(tmp: string, name: string, extra: string[]): { wall: number; log: string } {
  const out = join(tmp, name);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'fit', join(N6278, 'gauss_hermite_kins.ecsv'), '--photometry', join(N6278, 'mge.ecsv'), '--distance', '39.96', '--pa', '-54', '--psf-sigma', '1.06', '--pixsize', '1', '--mass-model', 'light', '--engine', 'tabulated', '--systematics', 'fraction', '--centre', 'auto', '--walkers', '32', '--steps', '5000', '--out', out, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench tabulated: jamfit fit failed: ${r.stderr}`);
  return { wall: (performance.now() - t0) / 1000, log: readFileSync(join(out, 'fit.log'), 'utf8') };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const spec = ngc6278Spec({ systematics: 'fraction' });
  const t0 = performance.now();
  const tab = buildFitProblem({ ...spec, engine: 'tabulated' });
  const build = (performance.now() - t0) / 1000;
  const dir = buildFitProblem({ ...spec, engine: 'direct' });
  const rng = new Rng('bench-tabulated');
  const xs = Array.from({ length: 64 }, () => tab.prior.draw(rng));
  const usTab = perEvalUs(tab.logProb, xs, 1500);
  const usDir = perEvalUs(dir.logProb, xs.slice(0, 8), 1500);
  const t = tab.table!;
  rows.push({ name: `tabulated table build, NGC 6278 (${t.nodes} nodes, ${t.evaluations} exact basis maps, error <= ${t.maxError.toExponential(1)})`, value: build, unit: 's' });
  rows.push({ name: 'likelihood per evaluation, NGC 6278 152 bins, tabulated', value: usTab, unit: 'us', reference: usDir, referenceName: 'direct exact JAM', referenceSource: 'measured in this run', ratio: usDir / usTab, target: '<= 5 us', pass: usTab <= 5 });

  const tmp = mkdtempSync(join(tmpdir(), 'jamfit-bench-tab-'));
  try {
    const f = fitCommand(tmp, 'light', []);
    const direct = (usDir * 32 * 5000) / 1e6;
    rows.push({ name: 'jamfit fit NGC 6278 32 x 5,000, tabulated, mass follows light (whole command)', value: f.wall, unit: 's', reference: direct, referenceName: 'direct JAM, extrapolated', referenceSource: 'measured in this run (per model x 160,000)', ratio: direct / f.wall, target: '<= 10 s', pass: f.wall <= 10 });
    if (process.argv.includes('--tabulated-halo')) {
      for (const [halo, target] of [['nfw', 30], ['gnfw', 45]] as const) {
        const h = fitCommand(tmp, halo, ['--halo', halo]);
        rows.push({ name: `jamfit fit NGC 6278 32 x 5,000, tabulated, light + ${halo.toUpperCase()} (whole command)`, value: h.wall, unit: 's', target: `<= ${target} s`, pass: h.wall <= target });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
