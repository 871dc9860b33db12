/**
 * Surrogate posteriors against exact-JAM posteriors of the same data (issue: on 5 mocks, medians
 * within 0.3 sigma and 68% widths within 20%). Run by name only (`npm run bench -- vs-exact`,
 * several minutes).
 *
 * Method: for each mock (the bundled one and four `jamfit mock` galaxies over the training
 * domain, each 5% noise, PSF 1", 3" pixels), the surrogate fit (32 walkers x 4000 steps); its
 * post-burn-in chain thinned to ~1,200 draws; the exact JAM's log-posterior at each draw
 * (same data, prior and operator; only the grid values differ); the exact posterior as the
 * surrogate draws importance-weighted by w = p_exact / p_surrogate (self-normalised importance
 * sampling: consistent whenever the exact posterior's support lies inside the surrogate's,
 * which holds when the two differ by chi2 ~ 1). The weights' effective sample size is printed:
 * near the number of draws the two posteriors are nearly the same distribution; a small one
 * would make the exact estimate unreliable and is flagged. The comparison is paired (the same
 * draws on both sides), so its Monte-Carlo noise is that of the weights alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../samplers/backends/npy.ts';
import { buildFitProblem } from '../src/fit/fit-problem.ts';
import { prepareFit, runFit } from '../src/fit/fit.ts';
import { runMock } from '../src/run/mock.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { BenchRow } from './table.ts';
import { posteriorShift } from './importance.ts';
import { importanceWeights } from '../src/fit/self-check.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUNDLED = join(ROOT, 'fixtures/examples/mock-galaxy');
const STEPS = Number(process.env.JAMFIT_VS_EXACT_STEPS ?? 4000);
const DRAWS = Number(process.env.JAMFIT_VS_EXACT_DRAWS ?? 1200);

/** Four mocks over the domain (n, q', beta_z, q_M, inc, M/L), inside beta_z < 0.7 eps_intr. */
const MOCKS = [
  { n: 2, q: 0.7, betaZ: 0.05, qM: 0.6, incDeg: 75, ml: 3 },
  { n: 5, q: 0.9, betaZ: -0.2, qM: 0.9, incDeg: 80, ml: 6 },
  { n: 3, q: 0.6, betaZ: 0.2, qM: 0.55, incDeg: 85, ml: 2 },
  { n: 1.5, q: 0.75, betaZ: -0.1, qM: 0.8, incDeg: 60, ml: 5 },
];

export async function run(): Promise<BenchRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'jamfit-vs-exact-'));
  const rows: BenchRow[] = [];
  const report: unknown[] = [];
  try {
    const cases: { name: string; kin: string; phot: string }[] = [{ name: 'bundled', kin: join(BUNDLED, 'kinematics.csv'), phot: join(BUNDLED, 'photometry.json') }];
    MOCKS.forEach((m, k) => {
      const dir = join(tmp, `mock${k}`);
      const phot = join(tmp, `phot${k}.json`);
      writeFileAtomic(phot, JSON.stringify({ sersic: { n: m.n, re_arcsec: 8, q: m.q, ie_lsun_pc2: 800 } }));
      runMock({ photometry: phot, betaZ: m.betaZ, qM: m.qM, incDeg: m.incDeg, ml: m.ml, distance: 20, pixel: 2, field: 16, psfSigma: '1', pixsize: 2, noiseFrac: 0.05, seed: 100 + k, out: dir });
      cases.push({ name: `n${m.n} q${m.q} b${m.betaZ} qm${m.qM} i${m.incDeg}`, kin: join(dir, 'kinematics.csv'), phot: join(dir, 'photometry.json') });
    });
    for (const c of cases) {
      const opts = { kinematics: c.kin, photometry: c.phot, distance: 20, psfSigma: '1', pixsize: c.name === 'bundled' ? 3 : 2, steps: STEPS, seed: 7, out: join(tmp, `fit-${cases.indexOf(c)}`) };
      const quiet = { out: () => {}, err: () => {} };
      const fit = await runFit(opts, quiet);
      const spec = prepareFit(opts).spec;
      const ps = buildFitProblem(spec);
      const pe = buildFitProblem({ ...spec, engine: 'exact' });
      const chain = readNpy(join(opts.out, 'chain.npy'));
      const [nsteps, nw, ndim] = chain.shape;
      const start = fit.summary.discard;
      const total = (nsteps - start) * nw;
      const thin = Math.max(1, Math.floor(total / DRAWS));
      const xs: Float64Array[] = [];
      for (let s = start * nw; s < nsteps * nw; s += thin) xs.push(Float64Array.from(chain.data.subarray(s * ndim, (s + 1) * ndim)));
      const blob = new Float64Array(2);
      const { w, ess } = importanceWeights(xs.map((x) => pe.logProb(x, blob) - ps.logProb(x, blob)));
      const per: Record<string, { dMedianSigma: number; widthRatio: number }> = {};
      for (let k = 0; k < ndim; k++) {
        const { shift, widthRatio } = posteriorShift(xs, w, k);
        per[ps.names[k]] = { dMedianSigma: shift, widthRatio };
        rows.push({
          name: `${c.name}: ${ps.names[k]} median shift / sigma (68% width ratio ${widthRatio.toFixed(3)})`,
          value: shift,
          unit: 'sigma',
          target: '|shift| <= 0.3, width within 20%',
          pass: Math.abs(shift) <= 0.3 && Math.abs(widthRatio - 1) <= 0.2,
        });
      }
      rows.push({ name: `${c.name}: importance weights ESS / draws (exact vs surrogate)`, value: ess / xs.length, unit: 'fraction', target: '>= 0.5 (else the exact estimate is unreliable)', pass: ess / xs.length >= 0.5 });
      report.push({ mock: c.name, draws: xs.length, ess, per, surrogateSeconds: fit.seconds });
      process.stderr.write(`vs-exact: ${c.name}: ESS ${ess.toFixed(0)}/${xs.length}; ${JSON.stringify(per)}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (process.env.JAMFIT_VS_EXACT_JSON) writeFileAtomic(process.env.JAMFIT_VS_EXACT_JSON, JSON.stringify(report, null, 2) + '\n');
  return rows;
}
