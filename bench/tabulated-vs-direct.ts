/**
 * Tabulated against direct exact-JAM posteriors of NGC 6278 (fixtures/ngc6278; issue: mass follows
 * light, --systematics fraction, --centre auto, PSF: medians within 0.05 sd, 68% widths within
 * 5%, importance-weight ESS >= 95% of the draws). Run by name only (`npm run bench --
 * tabulated-vs-direct`, ~1-2 minutes): a direct 32 x 5,000 chain takes half an hour, so, as in
 * bench/vs-exact.ts, the direct posterior is the tabulated draws importance-weighted by
 * p_direct / p_tabulated (the same data, prior, noise model and operator; only the engine
 * differs). With weights this close to 1 the reweighted estimate is the direct posterior's to the
 * weights' Monte-Carlo noise, which the ESS bounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../samplers/backends/npy.ts';
import { runFit } from '../src/fit/fit.ts';
import { directTwin, importanceWeights, selfCheckDraws } from '../src/fit/self-check.ts';
import { posteriorShift } from './importance.ts';
import { buildFitProblem } from '../src/fit/fit-problem.ts';
import { prepareFit } from '../src/fit/fit.ts';
import type { BenchRow } from './table.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const N6278 = join(ROOT, 'fixtures/ngc6278');
const DRAWS = Number(process.env.JAMFIT_VS_DIRECT_DRAWS ?? 800);

export async function run(): Promise<BenchRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'jamfit-bench-vsd-'));
  const rows: BenchRow[] = [];
  try {
    const o = { kinematics: join(N6278, 'gauss_hermite_kins.ecsv'), photometry: join(N6278, 'mge.ecsv'), distance: 39.96, pa: -54, psfSigma: '1.06', pixsize: 1, massModel: 'light', engine: 'tabulated', systematics: 'fraction', centre: 'auto', walkers: 32, steps: 5000, seed: 1, out: join(tmp, 'fit'), plots: false, progress: false };
    const fit = await runFit(o, { out: () => {}, err: () => {} });
    const problem = buildFitProblem(prepareFit(o).spec);
    const direct = directTwin(problem);
    const d = problem.names.length;
    const chain = readNpy(join(o.out, 'chain.npy')).data as Float64Array;
    const nw = 32;
    const keep = chain.subarray(fit.summary.discard * nw * d);
    const xs = selfCheckDraws(keep, d, DRAWS);
    const blob = new Float64Array(2);
    const dl = xs.map((x) => direct.logProb(x, blob) - problem.logProb(x, blob));
    const { w, ess } = importanceWeights(dl);
    rows.push({ name: `NGC 6278 tabulated vs direct: importance-weight ESS / ${xs.length} draws`, value: ess / xs.length, unit: 'fraction', target: '>= 0.95', pass: ess / xs.length >= 0.95 });
    rows.push({ name: 'NGC 6278 tabulated vs direct: max |d ln p| over the draws', value: Math.max(...dl.map(Math.abs)), unit: 'nats' });
    problem.names.forEach((name, j) => {
      const { shift, widthRatio } = posteriorShift(xs, w, j);
      rows.push({ name: `NGC 6278 ${name}: (tabulated - direct median) / direct sd`, value: shift, unit: 'sd', target: '|.| <= 0.05', pass: Math.abs(shift) <= 0.05 });
      rows.push({ name: `NGC 6278 ${name}: 68% width tabulated / direct`, value: widthRatio, unit: 'ratio', target: '0.95..1.05', pass: Math.abs(widthRatio - 1) <= 0.05 });
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
