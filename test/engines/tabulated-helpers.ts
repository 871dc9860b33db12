/**
 * Shared by the tabulated-engine tests and bench/tabulated-accuracy.ts: the same fit spec built
 * with the tabulated and the direct engine, compared bin by bin in V_rms^2 at prior draws.
 */
import { buildFitProblem, type FitSpec } from '../../src/fit/fit-problem.ts';
import { readKinematics } from '../../src/data/kinematics.ts';
import { readPhotometry } from '../../src/data/photometry.ts';
import { orientKinematics } from '../../src/data/kinematics-build.ts';
import { Rng } from '../../samplers/rng.ts';

/** NGC 6278 (fixtures/ngc6278: CALIFA via DYNAMITE, MIT): 152 bins, PSF 1.06", 1" pixels, PA -54. */
export function ngc6278Spec(over: Partial<FitSpec> = {}): FitSpec {
  const raw = readKinematics('fixtures/ngc6278/gauss_hermite_kins.ecsv');
  const kin = orientKinematics(raw, { paDeg: -54, x0: 0, y0: 0 });
  const phot = readPhotometry('fixtures/ngc6278/mge.ecsv');
  if (phot.kind !== 'mge') throw new Error('expected an MGE');
  const m = phot.mge;
  return {
    x: Array.from(kin.x), y: Array.from(kin.y), vrms: Array.from(kin.vrms), err: Array.from(kin.vrmsErr), source: 'ngc6278', light: { surf: Array.from(m.surf), sigma: Array.from(m.sigma), qobs: Array.from(m.qobs) },
    lightSource: 'mge.ecsv', distanceMpc: 39.96, massModel: 'light', mbh: 0, psf: { sigma: [1.06], weight: [1] }, pixsize: 1, mlMode: 'sample', incPrior: 'uniform', ranges: {}, ...over,
  };
}

/**
 * A random multi-component MGE galaxy (seeded): n Gaussians with sigma log-spaced over 0.2..40"
 * (jittered), peak surface densities falling like a Sérsic-ish profile, q' drawn in [qMin, 1]
 * (the flattest exactly qMin), bins on a square grid of `step` out to `rMax`, PSF 1", pixel 0.5".
 */
export function randomGalaxySpec(seed: number, n: number, qMin: number, over: Partial<FitSpec> = {}, rMax = 12, step = 2.5): FitSpec {
  const rng = new Rng(`tabulated-galaxy:${seed}`);
  const sigma: number[] = [];
  const surf: number[] = [];
  const qobs: number[] = [];
  for (let k = 0; k < n; k++) {
    const s = 0.2 * Math.pow(200, (k + 0.5 * rng.uniform()) / n);
    sigma.push(s);
    surf.push(3e4 * Math.pow(s, -1.6) * (0.5 + rng.uniform()));
    qobs.push(qMin + (1 - qMin) * rng.uniform());
  }
  qobs[Math.floor(rng.uniform() * n)] = qMin;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = -rMax; i <= rMax + 1e-9; i += step) for (let j = -rMax; j <= rMax + 1e-9; j += step) if (Math.hypot(i, j) <= rMax && (i !== 0 || j !== 0)) (x.push(i + 0.3), y.push(j + 0.1));
  return {
    x, y, vrms: x.map(() => 200), err: x.map(() => 5), source: `random${seed}`, light: { surf, sigma, qobs }, lightSource: `random${seed}`,
    distanceMpc: 20, massModel: 'light', mbh: 0, psf: { sigma: [1], weight: [1] }, pixsize: 0.5, mlMode: 'sample', incPrior: 'uniform', ranges: {}, ...over,
  };
}

/**
 * Max |V2_tabulated / V2_direct - 1| over all bins at `draws` prior draws (seeded), and the table.
 */
export function tabulatedVsDirect(spec: FitSpec, draws: number, seed = 1): { worst: number; nodes: number; maxError: number; buildSeconds: number; label: string } {
  const t0 = performance.now();
  const tab = buildFitProblem({ ...spec, engine: 'tabulated' });
  const buildSeconds = (performance.now() - t0) / 1000;
  const dir = buildFitProblem({ ...spec, engine: 'direct' });
  const rng = new Rng(`tabulated-vs-direct:${seed}`);
  let worst = 0;
  for (let d = 0; d < draws; d++) {
    const x = tab.prior.draw(rng);
    const p = tab.prior.unpack(x);
    const a = tab.like.modelVrms(p);
    const b = dir.like.modelVrms(p);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] / b[i]) ** 2 - 1));
  }
  return { worst, nodes: tab.table!.nodes, maxError: tab.table!.maxError, buildSeconds, label: tab.modelLabel };
}
